package dev.trustbridge.runtime.config;

import dev.trustbridge.runtime.config.internal.YamlMapping;
import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.SessionKeys;
import java.nio.file.Path;
import java.time.Duration;

/** Reads the optional {@code envelopes} section. */
final class EnvelopeReader {

  private enum Chains {
    EMBEDDED("embedded", ChainMode.EMBEDDED),
    PUBLISHED("published", ChainMode.PUBLISHED);

    final String configName;
    final ChainMode mode;

    Chains(String configName, ChainMode mode) {
      this.configName = configName;
      this.mode = mode;
    }
  }

  private EnvelopeReader() {}

  static EnvelopeSettings read(YamlMapping root, Path directory) {
    EnvelopeSettings defaults =
        new EnvelopeSettings(
            SessionKeys.DEFAULT_LIFETIME,
            ChainMode.EMBEDDED,
            directory.resolve("state"),
            EnvelopeSettings.DEFAULT_MAX_SAMPLES);
    return root.mapping("envelopes")
        .map(
            section -> {
              Duration lifetime = section.duration("sessionLifetime", defaults.sessionLifetime());
              if (lifetime.compareTo(SessionKeys.MAX_VALIDITY) > 0
                  || lifetime.compareTo(Duration.ofMinutes(5)) < 0) {
                section.problem(
                    "sessionLifetime",
                    "must be between 5m and " + SessionKeys.MAX_VALIDITY.toHours() + "h");
              }
              Chains chains =
                  section.choice("chains", Chains.EMBEDDED, Chains.values(), c -> c.configName);
              Path state =
                  section
                      .optionalString("stateDirectory")
                      .map(directory::resolve)
                      .orElse(defaults.stateDirectory());
              int maxSamples = section.integer("maxSamples", defaults.maxSamples(), 1, 5000);
              section.rejectUnknownKeys();
              return new EnvelopeSettings(lifetime, chains.mode, state, maxSamples);
            })
        .orElse(defaults);
  }
}
