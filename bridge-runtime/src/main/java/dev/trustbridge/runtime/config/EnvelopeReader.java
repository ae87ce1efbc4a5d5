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

  private static final Duration SHORTEST_LIFETIME = Duration.ofMinutes(5);

  /** Session certificates are backdated a minute and verifiers accept at most 24 h of validity. */
  private static final Duration LONGEST_LIFETIME = Duration.ofHours(23);

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
              if (lifetime.compareTo(LONGEST_LIFETIME) > 0
                  || lifetime.compareTo(SHORTEST_LIFETIME) < 0) {
                section.problem("sessionLifetime", "must be between 5m and 23h");
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
