package dev.trustbridge.policy.command;

import dev.trustbridge.policy.command.internal.Slf4jCommandAudit;

/** Receives every command decision, for the audit log. */
public interface CommandAudit {

  /** Records one outcome; must not throw. */
  void record(CommandOutcome outcome);

  /** Writes each outcome as one log line on the {@code dev.trustbridge.audit.command} logger. */
  static CommandAudit toLog() {
    return new Slf4jCommandAudit();
  }
}
