package dev.trustbridge.runtime.observe.internal;

import dev.trustbridge.trust.envelope.DroppedEnvelopes;
import dev.trustbridge.trust.envelope.Envelope;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Counts what the signer signs: every sample that leaves the gateway passes here, whatever route or
 * adapter produced it, so samples and envelopes are counted in one place.
 */
public final class CountingEnvelopeSigner implements EnvelopeSigner {

  private final EnvelopeSigner signer;
  private final MeterRegistry registry;

  public CountingEnvelopeSigner(EnvelopeSigner signer, MeterRegistry registry) {
    this.signer = signer;
    this.registry = registry;
  }

  @Override
  public long epoch() {
    return signer.epoch();
  }

  @Override
  public Envelope sign(String device, List<EnvelopeSample> samples) throws EnvelopeException {
    Envelope envelope = signer.sign(device, samples);
    envelopes(device, "samples").increment();
    for (EnvelopeSample sample : samples) {
      Counter.builder("trustbridge.samples")
          .description("Samples signed into envelopes, by device and quality")
          .tag("device", device)
          .tag("quality", sample.quality())
          .register(registry)
          .increment();
    }
    return envelope;
  }

  @Override
  public Envelope signDropNotice(String device, DroppedEnvelopes dropped) throws EnvelopeException {
    Envelope envelope = signer.signDropNotice(device, dropped);
    envelopes(device, "drop-notice").increment();
    return envelope;
  }

  private Counter envelopes(String device, String kind) {
    return Counter.builder("trustbridge.envelopes.signed")
        .description("Envelopes signed with the session key, by device and kind")
        .tag("device", device)
        .tag("kind", kind)
        .register(registry);
  }
}
