package dev.trustbridge.runtime.observe.internal;

import dev.trustbridge.trust.envelope.DroppedEnvelopes;
import dev.trustbridge.trust.envelope.Envelope;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    // one meter update per quality and envelope, not per sample: envelopes hold thousands, and
    // runs of one quality are counted without a map lookup each
    Map<String, Integer> byQuality = new HashMap<>(4);
    String runQuality = null;
    int run = 0;
    for (EnvelopeSample sample : samples) {
      if (run > 0 && sample.quality().equals(runQuality)) {
        run++;
        continue;
      }
      if (run > 0) {
        byQuality.merge(runQuality, run, Integer::sum);
      }
      runQuality = sample.quality();
      run = 1;
    }
    if (run > 0) {
      byQuality.merge(runQuality, run, Integer::sum);
    }
    byQuality.forEach(
        (quality, count) ->
            Counter.builder("trustbridge.samples")
                .description("Samples signed into envelopes, by device and quality")
                .tag("device", device)
                .tag("quality", quality)
                .register(registry)
                .increment(count));
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
