package dev.trustbridge.trust.envelope;

/**
 * Signing envelopes, or preparing to, failed. {@link #reason()} is a stable code that operators can
 * search for; the message says what failed and where, and never contains key material.
 */
public final class EnvelopeException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why an envelope operation failed. */
  public enum Reason {
    /**
     * The identity certificate cannot certify session keys: it lacks the profile that {@link
     * SessionKeys} describes, is not enrolled, or has expired.
     */
    IDENTITY_PROFILE,
    /** The vault failed to sign a session certificate. */
    CERTIFICATION_FAILED,
    /** The session certificate has expired and no new one could be certified: nothing is signed. */
    NO_SESSION_KEY,
    /** The stream state cannot be read or written durably, or belongs to another gateway. */
    STATE_STORE,
    /** A published chains document cannot be read. */
    CHAINS_DOCUMENT,
    /** A signed statement is malformed, not signed by a trusted gateway, or names another one. */
    STATEMENT_REJECTED
  }

  private final Reason reason;

  public EnvelopeException(Reason reason, String message) {
    super("[envelope " + reason + "] " + message);
    this.reason = reason;
  }

  public EnvelopeException(Reason reason, String message, Throwable cause) {
    super("[envelope " + reason + "] " + message, cause);
    this.reason = reason;
  }

  /** The stable failure code. */
  public Reason reason() {
    return reason;
  }
}
