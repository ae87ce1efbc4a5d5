package dev.trustbridge.runtime;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.outbox.OutboxStore;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.modbus.ModbusSimulatorExtension;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.attest.TpmPlatform;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration of a test gateway whose three simulated devices produce an envelope each every
 * 100 ms into the outbox of one uplink, and read access to its outbox store as an operator would
 * have.
 */
public final class GatewayRig {

  public static final List<String> DEVICES = List.of("press-1", "press-2", "press-3");
  public static final String SITE = "ob-site";
  public static final String GATEWAY = "ob-gw";
  public static final String TELEMETRY = "tb/v1/" + SITE + "/" + GATEWAY + "/+/telemetry";

  public static ModbusSimulatorExtension plant() {
    return ModbusSimulatorExtension.fromYaml(
        """
        tick: 100ms
        devices:
          - id: press-1
            points:
              - {table: inputRegister, address: 0, type: uint16, value: {counter: {start: 1, increment: 1}}}
          - id: press-2
            points:
              - {table: inputRegister, address: 0, type: uint16, value: {counter: {start: 1, increment: 1}}}
          - id: press-3
            points:
              - {table: inputRegister, address: 0, type: uint16, value: {counter: {start: 1, increment: 1}}}
        """);
  }

  private GatewayRig() {}

  /** Writes trustbridge.yaml and one route per device into {@code directory}. */
  public static void writeConfig(Path directory, DevelopmentPki pki, String outboxSection)
      throws IOException {
    IssuedCertificate identity = pki.gatewayIdentity(GATEWAY, SITE);
    StringBuilder yaml =
        new StringBuilder(
            """
            site: %s
            gateway: %s
            security:
              mode: development
            vault:
              type: software
              keyStore: %s
              password: ${file:%s}
              alias: %s
            uplinks:
              - id: cloud
                server: ${env:BROKER}
                tls:
                  caCertificate: ${env:CA}
            devices:
            """
                .formatted(
                    SITE, GATEWAY, identity.keyStoreFile(), pki.passwordFile(), identity.name()));
    StringBuilder routes = new StringBuilder();
    for (String device : DEVICES) {
      yaml.append(
          """
            - id: %s
              protocol: modbus
              endpoint: 127.0.0.1:${env:%s}
              pollInterval: 100ms
              tags:
                - {name: strokes, table: inputRegister, address: 0, type: uint16}
          """
              .formatted(device, portVariable(device)));
      routes.append(
          """
          - route:
              id: %s-telemetry
              from:
                uri: modbus:%s
                steps:
                  - to:
                      uri: mqtt:cloud
          """
              .formatted(device, device));
    }
    yaml.append(outboxSection);
    Files.writeString(directory.resolve(ConfigLoader.MAIN_FILE), yaml.toString());
    Files.createDirectories(directory.resolve(ConfigLoader.ROUTES_DIRECTORY));
    Files.writeString(
        directory.resolve(ConfigLoader.ROUTES_DIRECTORY).resolve("telemetry.camel.yaml"), routes);
  }

  /** The variables the configuration refers to, with the uplink at {@code brokerUri}. */
  public static Map<String, String> environment(
      ModbusSimulatorExtension plant, DevelopmentPki pki, String brokerUri) {
    Map<String, String> environment = new HashMap<>();
    for (String device : DEVICES) {
      environment.put(portVariable(device), String.valueOf(plant.device(device).port()));
    }
    environment.put("BROKER", brokerUri);
    environment.put("CA", pki.caCertificateFile().toString());
    return environment;
  }

  /** Accepts a configuration bundle version as a starting gateway does (rollback protection). */
  public static void acceptConfigVersion(Path stateDirectory, long version) throws Exception {
    ConfigVersions.accept(stateDirectory, version, Optional.empty());
  }

  /** The TPM NV index that holds the highest accepted configuration version. */
  public static int configVersionIndex() {
    return ConfigVersions.NV_INDEX;
  }

  /** As {@link #acceptConfigVersion}, with the counter also in the TPM's NV index. */
  public static void acceptConfigVersion(Path stateDirectory, long version, TpmPlatform tpm)
      throws Exception {
    ConfigVersions.accept(stateDirectory, version, Optional.of(tpm));
  }

  /**
   * A cloud-side MQTT 5 subscriber on the development PKI, connected to the embedded broker with
   * mutual TLS, independent of the gateway's code.
   */
  public static Mqtt5BlockingClient observer(
      EmbeddedBroker broker, DevelopmentPki pki, String name) {
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(name + "-" + System.nanoTime())
            .serverHost(EmbeddedBroker.HOST)
            .serverPort(broker.tlsPort())
            .sslConfig(
                MqttClientSslConfig.builder()
                    .keyManagerFactory(pki.keyManagerFactory("observer"))
                    .trustManagerFactory(pki.trustManagerFactory())
                    .build())
            .buildBlocking();
    client.connect();
    return client;
  }

  /** A TLS address where no broker listens. */
  public static String unreachableBroker() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "ssl://" + EmbeddedBroker.HOST + ":" + socket.getLocalPort();
    }
  }

  private static String portVariable(String device) {
    return device.toUpperCase().replace('-', '_') + "_PORT";
  }

  /** The store of the gateway configured in {@code directory}, read-only. */
  public static Connection store(Path directory) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:sqlite:" + directory.resolve("state").resolve(OutboxStore.FILE_NAME));
  }

  /** The newest sequence number signed and stored per device. */
  public static Map<String, Long> positions(Path directory) throws SQLException {
    return longsByDevice(directory, "SELECT device, seq FROM streams");
  }

  /** The sequence numbers still waiting in the outbox, per device. */
  public static Map<String, TreeSet<Long>> waiting(Path directory) throws SQLException {
    Map<String, TreeSet<Long>> waiting = new TreeMap<>();
    try (Connection store = store(directory);
        Statement statement = store.createStatement();
        ResultSet rows = statement.executeQuery("SELECT device, seq FROM records")) {
      while (rows.next()) {
        waiting.computeIfAbsent(rows.getString(1), d -> new TreeSet<>()).add(rows.getLong(2));
      }
    }
    return waiting;
  }

  private static Map<String, Long> longsByDevice(Path directory, String query) throws SQLException {
    Map<String, Long> values = new TreeMap<>();
    try (Connection store = store(directory);
        Statement statement = store.createStatement();
        ResultSet rows = statement.executeQuery(query)) {
      while (rows.next()) {
        values.put(rows.getString(1), rows.getLong(2));
      }
    }
    return values;
  }
}
