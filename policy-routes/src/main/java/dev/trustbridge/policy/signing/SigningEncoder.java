package dev.trustbridge.policy.signing;

import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.SampleBatchEncoder;
import dev.trustbridge.trust.envelope.DroppedEnvelopes;
import dev.trustbridge.trust.envelope.Envelope;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import java.util.Set;

/**
 * Encodes each batch (the samples of one device from one poll cycle) as one signed envelope, bound
 * to the registered device and signed with the gateway's current session key, so that signing costs
 * once per batch, not per sample. Batches of devices that are not registered are refused.
 */
public final class SigningEncoder implements SampleBatchEncoder {

  /** The MIME type of a JWS in JSON serialization. */
  public static final String CONTENT_TYPE = "application/jose+json";

  private final EnvelopeSigner signer;
  private final Set<String> registeredDevices;

  /**
   * @param registeredDevices the devices of the gateway's configuration
   */
  public SigningEncoder(EnvelopeSigner signer, Set<String> registeredDevices) {
    this.signer = signer;
    this.registeredDevices = Set.copyOf(registeredDevices);
  }

  /**
   * @throws IllegalArgumentException if the device is not registered
   * @throws IllegalStateException if signing fails (no valid session key, state not durable)
   */
  @Override
  public byte[] encode(SampleBatch batch) {
    return sign(batch).bytes();
  }

  /**
   * Signs the batch into the next envelope of its device's stream.
   *
   * @throws IllegalArgumentException if the device is not registered
   * @throws IllegalStateException if signing fails (no valid session key, state not durable)
   */
  public Envelope sign(SampleBatch batch) {
    if (!registeredDevices.contains(batch.deviceId())) {
      throw new IllegalArgumentException(
          "refusing to sign samples of unregistered device '" + batch.deviceId() + "'");
    }
    try {
      return signer.sign(
          batch.deviceId(), batch.samples().stream().map(SigningEncoder::toEnvelope).toList());
    } catch (EnvelopeException e) {
      throw new IllegalStateException(
          "cannot sign samples of device " + batch.deviceId() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Signs a drop notice into the next envelope of the device's stream: which of its envelopes were
   * dropped before they left the gateway, and why.
   *
   * @throws IllegalStateException if signing fails
   */
  public Envelope signDropNotice(String device, DroppedEnvelopes dropped) {
    try {
      return signer.signDropNotice(device, dropped);
    } catch (EnvelopeException e) {
      throw new IllegalStateException(
          "cannot sign a drop notice of device " + device + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  private static EnvelopeSample toEnvelope(Sample sample) {
    return new EnvelopeSample(
        sample.tag(), sample.value(), sample.quality().name(), sample.sourceTime(), sample.unit());
  }
}
