package dev.trustbridge.trust.envelope;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an envelope says, after its signature, chain and gateway identity checked out.
 *
 * @param stream the stream, its site and gateway bound to the identity certificate
 * @param epoch the signer's boot epoch
 * @param seq the sequence number
 * @param prev the hash of the previous envelope of the stream; empty for the first one ever
 * @param hash this envelope's hash: base64url SHA-256 of its JWS signing input
 * @param time the gateway time, at which the chain was validated
 * @param samples the samples; none in a drop notice
 * @param dropped in a drop notice, which earlier envelopes of the stream the gateway dropped and
 *     why
 * @param chain the session certificate, the identity certificate, then the rest as sent
 */
public record EnvelopeContent(
    StreamId stream,
    long epoch,
    long seq,
    Optional<String> prev,
    String hash,
    Instant time,
    List<EnvelopeSample> samples,
    Optional<DroppedEnvelopes> dropped,
    List<X509Certificate> chain) {

  public EnvelopeContent {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(prev, "prev");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(dropped, "dropped");
    samples = List.copyOf(samples);
    chain = List.copyOf(chain);
  }
}
