package dev.trustbridge.policy.signer;

/** A command is refused: the reason code and what exactly. */
public final class Refusal extends Exception {

  private static final long serialVersionUID = 1L;

  private final String reason;

  public Refusal(String reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
