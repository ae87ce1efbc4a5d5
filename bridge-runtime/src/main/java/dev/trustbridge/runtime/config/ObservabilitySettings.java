package dev.trustbridge.runtime.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the gateway shows its state to operators: the HTTP listener of {@code /observe/metrics} and
 * {@code /observe/health}, when readiness warns about expiring certificates, the log format and
 * JMX.
 *
 * @param http whether the HTTP listener runs
 * @param host the address the listener binds; loopback unless a scraper on another host needs it
 * @param port the listener's TCP port
 * @param certificateMinValidity readiness is DOWN when the identity certificate or a broker CA
 *     certificate expires within this time
 * @param logFormat how each log event is written
 * @param jmx whether TrustBridge and Camel MBeans are registered in the platform MBean server
 * @param camelMBeans which of Camel's MBeans are registered when JMX is on
 */
public record ObservabilitySettings(
    boolean http,
    String host,
    int port,
    Duration certificateMinValidity,
    LogFormat logFormat,
    boolean jmx,
    CamelMBeans camelMBeans) {

  /** The default port of the HTTP listener. */
  public static final int DEFAULT_PORT = 9876;

  /** The default of {@code certificateMinValidity}: 7 days, time enough to renew by hand. */
  public static final Duration DEFAULT_CERTIFICATE_MIN_VALIDITY = Duration.ofDays(7);

  public ObservabilitySettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(certificateMinValidity, "certificateMinValidity");
    Objects.requireNonNull(logFormat, "logFormat");
    Objects.requireNonNull(camelMBeans, "camelMBeans");
  }

  /** The defaults: HTTP on 127.0.0.1:9876, 7 days, key=value logs, JMX on (local only). */
  public static ObservabilitySettings defaults() {
    return new ObservabilitySettings(
        true,
        "127.0.0.1",
        DEFAULT_PORT,
        DEFAULT_CERTIFICATE_MIN_VALIDITY,
        LogFormat.KEY_VALUE,
        true,
        CamelMBeans.ROUTES);
  }

  /** How a log event is written: one line either way. */
  public enum LogFormat {
    /** Time, level, logger and the message with its key=value pairs. */
    KEY_VALUE("keyValue"),
    /** One JSON object per line (logback's JsonEncoder), for log shippers. */
    JSON("json");

    private final String configName;

    LogFormat(String configName) {
      this.configName = configName;
    }

    /** The name in {@code trustbridge.yaml}. */
    public String configName() {
      return configName;
    }
  }

  /**
   * Which of Camel's MBeans JMX shows. Camel's route MBeans come with MBeans of the route's
   * endpoints, consumer, producers and thread pool, about 110 KB of heap per route: 110 MB with a
   * thousand devices.
   */
  public enum CamelMBeans {
    /** The context and each route, with its endpoints, consumer, producers and thread pool. */
    ROUTES("routes"),
    /** The context only; devices and uplinks keep their TrustBridge MBeans. */
    CONTEXT("context");

    private final String configName;

    CamelMBeans(String configName) {
      this.configName = configName;
    }

    /** The name in {@code trustbridge.yaml}. */
    public String configName() {
      return configName;
    }
  }
}
