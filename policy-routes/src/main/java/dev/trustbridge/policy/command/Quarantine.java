package dev.trustbridge.policy.command;

/**
 * Whether the gateway is quarantined: while it is, every command is refused. Attestation sets it
 * when the measured state drifts.
 */
public interface Quarantine {

  /** Never quarantined: the default until attestation is configured. */
  Quarantine NEVER = () -> false;

  boolean isQuarantined();
}
