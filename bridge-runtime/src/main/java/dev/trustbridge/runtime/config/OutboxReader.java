package dev.trustbridge.runtime.config;

import dev.trustbridge.runtime.config.OutboxSettings.KeyProtection;
import dev.trustbridge.runtime.config.OutboxSettings.WhenFull;
import dev.trustbridge.runtime.config.internal.YamlMapping;
import java.time.Duration;
import java.util.Optional;

/** Reads the optional {@code outbox} section. */
final class OutboxReader {

  /** Below this an outbox cannot hold even a few envelopes of 1000 samples. */
  private static final long SMALLEST_MAX_BYTES = 4096;

  private OutboxReader() {}

  static OutboxSettings read(YamlMapping root, SecurityMode mode) {
    OutboxSettings defaults = OutboxSettings.defaults();
    return root.mapping("outbox")
        .map(
            section -> {
              long maxBytes = section.size("maxBytes", defaults.maxBytes(), SMALLEST_MAX_BYTES);
              Optional<Duration> maxAge =
                  section.has("maxAge")
                      ? Optional.of(section.duration("maxAge", Duration.ofDays(7)))
                      : Optional.empty();
              WhenFull whenFull =
                  section.choice(
                      "whenFull", defaults.whenFull(), WhenFull.values(), WhenFull::configName);
              int inFlight = section.integer("inFlight", defaults.inFlight(), 1, 1024);
              Optional<YamlMapping> dataKey = section.mapping("dataKey");
              KeyProtection protection =
                  dataKey
                      .map(
                          key ->
                              key.choice(
                                  "protection",
                                  KeyProtection.AUTO,
                                  KeyProtection.values(),
                                  KeyProtection::configName))
                      .orElse(KeyProtection.AUTO);
              Optional<String> tcti = dataKey.flatMap(key -> key.optionalString("tcti"));
              if (protection == KeyProtection.SOFTWARE && mode == SecurityMode.PRODUCTION) {
                dataKey.ifPresent(
                    key ->
                        key.problem(
                            "protection",
                            "software is not allowed in production mode: use tpm or token"));
              }
              if (tcti.isPresent() && protection != KeyProtection.TPM) {
                dataKey.ifPresent(key -> key.problem("tcti", "applies only with protection: tpm"));
              }
              dataKey.ifPresent(YamlMapping::rejectUnknownKeys);
              section.rejectUnknownKeys();
              return new OutboxSettings(maxBytes, maxAge, whenFull, inFlight, protection, tcti);
            })
        .orElse(defaults);
  }
}
