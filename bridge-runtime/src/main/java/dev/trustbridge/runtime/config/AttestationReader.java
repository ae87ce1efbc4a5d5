package dev.trustbridge.runtime.config;

import dev.trustbridge.runtime.config.internal.YamlMapping;
import java.time.Duration;

/** Reads the optional {@code attestation} section. */
final class AttestationReader {

  private enum OnDrift {
    CONTINUE("continue"),
    STOP("stop");

    final String configName;

    OnDrift(String configName) {
      this.configName = configName;
    }
  }

  private AttestationReader() {}

  static AttestationSettings read(YamlMapping root) {
    AttestationSettings defaults = AttestationSettings.defaults();
    return root.mapping("attestation")
        .map(
            section -> {
              int pcr = section.integer("pcr", defaults.pcr(), 16, 23);
              if (pcr != 16 && pcr != 23) {
                section.problem("pcr", "must be 16 or 23, the PCRs software may reset");
              }
              Duration interval = section.duration("interval", defaults.interval());
              OnDrift telemetry =
                  section.choice(
                      "telemetryOnDrift", OnDrift.CONTINUE, OnDrift.values(), d -> d.configName);
              AttestationSettings settings =
                  new AttestationSettings(
                      pcr, interval, telemetry == OnDrift.STOP, section.optionalString("tcti"));
              section.rejectUnknownKeys();
              return settings;
            })
        .orElse(defaults);
  }
}
