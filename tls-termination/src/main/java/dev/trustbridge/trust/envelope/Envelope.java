package dev.trustbridge.trust.envelope;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed envelope as it leaves the gateway: the JWS bytes to publish, and what was put into them.
 * Two envelopes are equal when their hashes are.
 *
 * @param bytes the envelope, JWS flattened JSON serialization in UTF-8
 * @param stream the stream it belongs to
 * @param epoch the signer's boot epoch
 * @param seq the sequence number in its stream
 * @param hash base64url SHA-256 of the JWS signing input: the next envelope's {@code prev}
 * @param time the gateway time in the payload
 */
public record Envelope(
    byte[] bytes, StreamId stream, long epoch, long seq, String hash, Instant time) {

  public Envelope {
    bytes = bytes.clone();
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(time, "time");
  }

  /** A copy of the envelope's bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Envelope envelope && hash.equals(envelope.hash);
  }

  @Override
  public int hashCode() {
    return hash.hashCode();
  }

  @Override
  public String toString() {
    return "Envelope[stream="
        + stream
        + ", epoch="
        + epoch
        + ", seq="
        + seq
        + ", hash="
        + hash
        + "]";
  }
}
