package dev.trustbridge.runtime.config;

import dev.trustbridge.runtime.config.ObservabilitySettings.CamelMBeans;
import dev.trustbridge.runtime.config.ObservabilitySettings.LogFormat;
import dev.trustbridge.runtime.config.internal.YamlMapping;
import java.time.Duration;

/** Reads the optional {@code observability} section. */
final class ObservabilityReader {

  private ObservabilityReader() {}

  static ObservabilitySettings read(YamlMapping root) {
    ObservabilitySettings defaults = ObservabilitySettings.defaults();
    return root.mapping("observability")
        .map(
            section -> {
              boolean http = flag(section, "http", defaults.http());
              String host = section.optionalString("host").orElse(defaults.host()).strip();
              if (host.isEmpty()) {
                section.problem("host", "must name an address such as 127.0.0.1 or 0.0.0.0");
              }
              int port = section.integer("port", defaults.port(), 1, 65535);
              Duration minValidity =
                  section.duration("certificateMinValidity", defaults.certificateMinValidity());
              LogFormat logFormat =
                  section.choice(
                      "logFormat", defaults.logFormat(), LogFormat.values(), LogFormat::configName);
              boolean jmx = flag(section, "jmx", defaults.jmx());
              CamelMBeans camelMBeans =
                  section.choice(
                      "camelMBeans",
                      defaults.camelMBeans(),
                      CamelMBeans.values(),
                      CamelMBeans::configName);
              section.rejectUnknownKeys();
              return new ObservabilitySettings(
                  http, host, port, minValidity, logFormat, jmx, camelMBeans);
            })
        .orElse(defaults);
  }

  private static boolean flag(YamlMapping section, String key, boolean fallback) {
    return section
        .optionalString(key)
        .map(
            text ->
                switch (text.strip()) {
                  case "true" -> true;
                  case "false" -> false;
                  default -> {
                    section.problem(key, "'" + text + "' is not true or false");
                    yield fallback;
                  }
                })
        .orElse(fallback);
  }
}
