package dev.trustbridge.trust.vault;

/**
 * A vault operation failed. {@link #reason()} is a stable code that operators can search for; the
 * message says what failed and where, and never contains a PIN, password or key.
 */
public final class VaultException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a vault operation failed. */
  public enum Reason {
    /** The PKCS#11 module or keystore file cannot be loaded: fail closed, never fall back. */
    BACKEND_UNAVAILABLE,
    /** The PIN or password was refused. */
    WRONG_PIN,
    /** The token refuses logins until an administrator unlocks it. */
    PIN_LOCKED,
    /** No identity key with that alias is in the vault. */
    KEY_NOT_FOUND,
    /** An identity key with that alias exists already; it is never overwritten. */
    KEY_EXISTS,
    /** A certificate chain does not fit the key or is not a chain. */
    CHAIN_REJECTED,
    /** The backend failed an operation it should support. */
    OPERATION_FAILED
  }

  private final Reason reason;

  public VaultException(Reason reason, String message) {
    super("[vault " + reason + "] " + message);
    this.reason = reason;
  }

  public VaultException(Reason reason, String message, Throwable cause) {
    super("[vault " + reason + "] " + message, cause);
    this.reason = reason;
  }

  /** The stable failure code. */
  public Reason reason() {
    return reason;
  }
}
