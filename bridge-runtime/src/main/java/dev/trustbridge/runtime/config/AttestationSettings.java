package dev.trustbridge.runtime.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the gateway measures what it runs and proves it.
 *
 * @param pcr the resettable PCR the gateway owns: 23 (application support) in production, 16
 *     (debug) in tests
 * @param interval how often the measured files are measured again
 * @param stopTelemetryOnDrift whether a drift also stops the telemetry routes; commands are refused
 *     in any case
 * @param tcti the TPM connection; empty: tpm2-tools' default
 */
public record AttestationSettings(
    int pcr, Duration interval, boolean stopTelemetryOnDrift, Optional<String> tcti) {

  /** The defaults: PCR 23, every five minutes, telemetry continues on drift. */
  public static AttestationSettings defaults() {
    return new AttestationSettings(23, Duration.ofMinutes(5), false, Optional.empty());
  }

  public AttestationSettings {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(tcti, "tcti");
  }
}
