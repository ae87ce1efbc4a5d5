package dev.trustbridge.trust.envelope;

import java.util.Objects;
import java.util.Optional;

/** The outcome of {@link EnvelopeVerifier#verify(byte[])}: {@link Verified} or {@link Failed}. */
public sealed interface VerificationResult {

  /** Why an envelope failed. */
  enum Failure {
    /** Not a flattened JWS of this format: JSON, header, payload or field types are wrong. */
    MALFORMED(false),
    /** The signature does not verify with the key of the session certificate. */
    BAD_SIGNATURE(false),
    /**
     * The chain does not lead to a trust root, or its thumbprint names no chain the verifier was
     * given.
     */
    UNKNOWN_CHAIN(false),
    /**
     * The chain leads to a trust root but is not valid: PKIX validation failed (validity of the
     * identity or CA certificates at the envelope's time, constraints, key usage), the session
     * certificate lacks its profile (CA:false, keyUsage digitalSignature only, P-256, validity at
     * most {@link SessionKeys#MAX_VALIDITY}), or its issuer lacks the identity profile described by
     * {@link SessionKeys}.
     */
    CHAIN_INVALID(false),
    /** The envelope's gateway time lies outside the session certificate's validity. */
    EXPIRED_SESSION(false),
    /** The payload names another gateway or site than the identity certificate's CN and OU. */
    IDENTITY_MISMATCH(false),
    /**
     * An envelope of the last 128 of its stream again, byte for byte in its signed part: a
     * redelivery, as MQTT QoS 1 makes after a lost acknowledgement or a reconnect.
     */
    DUPLICATE(true),
    /**
     * An envelope older than the 128 the verifier remembers per stream: it cannot tell a late
     * redelivery from a replay.
     */
    REPLAY(true),
    /** Sequence numbers were skipped; {@link Failed#missing()} says how many. */
    GAP(true),
    /** A sequence number lower than the newest, not seen before: a late arrival. */
    REORDER(true),
    /**
     * The stream branched: a sequence number seen before with other content, or a {@code prev} that
     * is not the hash of the envelope before it.
     */
    FORK(true);

    private final boolean authentic;

    Failure(boolean authentic) {
      this.authentic = authentic;
    }

    /**
     * Whether envelopes failing this way are authentic and only out of line with their stream;
     * their content is then in {@link Failed#content()}.
     */
    public boolean authentic() {
      return authentic;
    }
  }

  /**
   * The envelope is authentic and the next one of its stream (or the first the verifier sees).
   *
   * @param content what it says
   */
  record Verified(EnvelopeContent content) implements VerificationResult {
    public Verified {
      Objects.requireNonNull(content, "content");
    }
  }

  /**
   * The envelope failed.
   *
   * @param failure what failed
   * @param detail a sentence for the operator
   * @param stream the stream the payload names, if it could be read; authenticated only when the
   *     content is present
   * @param content the envelope's content when the failure is one of stream continuity ({@link
   *     Failure#authentic()})
   * @param missing for {@link Failure#GAP}, how many sequence numbers were skipped; else 0
   */
  record Failed(
      Failure failure,
      String detail,
      Optional<StreamId> stream,
      Optional<EnvelopeContent> content,
      long missing)
      implements VerificationResult {
    public Failed {
      Objects.requireNonNull(failure, "failure");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(content, "content");
    }

    @Override
    public String toString() {
      return "Failed["
          + failure
          + ", stream="
          + stream.map(StreamId::toString).orElse("?")
          + ": "
          + detail
          + "]";
    }
  }
}
