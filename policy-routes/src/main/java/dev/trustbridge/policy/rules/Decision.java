package dev.trustbridge.policy.rules;

/** What the policy says about one command: {@link Permit} or {@link Deny} with a reason code. */
public sealed interface Decision {

  /** The rule that decided, or {@code default} when none did. */
  String rule();

  /** The command may be executed. */
  record Permit(String rule) implements Decision {}

  /**
   * The command is refused.
   *
   * @param reason a stable code such as {@code role-not-granted}, see docs/policy.md
   * @param detail what exactly, for the operator
   */
  record Deny(String reason, String rule, String detail) implements Decision {}
}
