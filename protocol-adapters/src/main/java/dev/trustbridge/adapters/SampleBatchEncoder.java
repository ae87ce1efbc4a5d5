package dev.trustbridge.adapters;

/**
 * Turns a {@link SampleBatch} into the bytes that leave the gateway. This is the one seam between
 * the sample model and the wire format, so that a signing encoder can replace the plain one.
 */
public interface SampleBatchEncoder {

  /** Encodes the batch; never returns {@code null}. */
  byte[] encode(SampleBatch batch);

  /** The MIME type of what {@link #encode} returns, published as the MQTT 5 content type. */
  String contentType();
}
