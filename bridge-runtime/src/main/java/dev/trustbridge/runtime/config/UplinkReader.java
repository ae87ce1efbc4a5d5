package dev.trustbridge.runtime.config;

import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.adapters.mqtt.UplinkSettings.MqttVersion;
import dev.trustbridge.runtime.config.internal.YamlMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code uplinks} section into the {@code mqtt:} component's settings. */
final class UplinkReader {

  private enum Version {
    V5("5", MqttVersion.MQTT_5),
    V311("3.1.1", MqttVersion.MQTT_3_1_1);

    final String configName;
    final MqttVersion version;

    Version(String configName, MqttVersion version) {
      this.configName = configName;
      this.version = version;
    }
  }

  private UplinkReader() {}

  /**
   * @param ids receives every declared uplink id, including those of uplinks with problems
   */
  static List<UplinkSettings> read(
      YamlMapping root, SecurityMode mode, Path directory, Set<String> ids) {
    List<UplinkSettings> uplinks = new ArrayList<>();
    for (YamlMapping uplink : root.mappings("uplinks", true)) {
      Optional<String> id = uplink.requiredString("id");
      id.filter(value -> !ids.add(value))
          .ifPresent(value -> uplink.problem("id", "uplink '" + value + "' is declared twice"));
      Optional<String> server = uplink.requiredString("server");
      if (mode == SecurityMode.PRODUCTION
          && server.filter(s -> s.startsWith("tcp://")).isPresent()) {
        uplink.problem(
            "server", "plaintext tcp:// is refused in production mode; use ssl:// (mutual TLS)");
      }
      Version version =
          uplink.choice("mqttVersion", Version.V5, Version.values(), v -> v.configName);
      Optional<String> clientId = uplink.optionalString("clientId");
      Duration keepAlive = uplink.duration("keepAlive", Duration.ofSeconds(60));
      Optional<Tls> tls = uplink.mapping("tls").map(section -> Tls.read(section, directory));
      Reconnect reconnect =
          uplink.mapping("reconnect").map(Reconnect::read).orElse(Reconnect.DEFAULT);
      uplink.rejectUnknownKeys();
      if (id.isEmpty() || server.isEmpty()) {
        continue;
      }
      UplinkSettings.Builder builder =
          UplinkSettings.builder(id.get(), server.get())
              .version(version.version)
              .keepAlive(keepAlive)
              .reconnectDelay(reconnect.initialDelay(), reconnect.maxDelay());
      clientId.ifPresent(builder::clientId);
      tls.ifPresent(t -> t.applyTo(builder));
      try {
        uplinks.add(builder.build());
      } catch (IllegalArgumentException e) {
        uplink.problem(e.getMessage());
      }
    }
    return uplinks;
  }

  /**
   * The {@code reconnect} section: the backoff after a lost or refused connection, doubling from
   * the first delay up to the longest.
   */
  private record Reconnect(Duration initialDelay, Duration maxDelay) {

    static final Reconnect DEFAULT =
        new Reconnect(
            UplinkSettings.DEFAULT_RECONNECT_INITIAL_DELAY,
            UplinkSettings.DEFAULT_RECONNECT_MAX_DELAY);

    static Reconnect read(YamlMapping reconnect) {
      Duration initial = reconnect.duration("initialDelay", DEFAULT.initialDelay);
      Duration max = reconnect.duration("maxDelay", DEFAULT.maxDelay);
      reconnect.rejectUnknownKeys();
      if (max.compareTo(initial) < 0) {
        reconnect.problem("maxDelay", "must not be shorter than initialDelay");
        return DEFAULT;
      }
      return new Reconnect(initial, max);
    }
  }

  /** The {@code tls} section: who verifies the broker. The client key is the gateway identity. */
  private record Tls(Optional<Path> caCertificate, List<String> protocols, List<String> pins) {

    static Tls read(YamlMapping tls, Path directory) {
      Optional<Path> ca = tls.optionalString("caCertificate").map(directory::resolve);
      if (ca.isPresent() && !Files.isReadable(ca.get())) {
        tls.problem("caCertificate", "file " + ca.get() + " is not readable");
        ca = Optional.empty();
      }
      List<String> protocols = tls.strings("protocols", List.of("TLSv1.3", "TLSv1.2"));
      List<String> pins = tls.strings("pinnedPublicKeys", List.of());
      tls.rejectUnknownKeys();
      return new Tls(ca, protocols, pins);
    }

    void applyTo(UplinkSettings.Builder builder) {
      caCertificate.ifPresent(builder::caCertificateFile);
      builder.tlsProtocols(protocols.toArray(String[]::new));
      builder.pinnedPublicKeys(pins.toArray(String[]::new));
    }
  }
}
