package dev.trustbridge.benchmarks.load;

import dev.trustbridge.sim.pki.DevelopmentPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Writes what one run needs: the simulators' scenarios and the gateway's configuration directory
 * (trustbridge.yaml, a CSV tag list per device, one route per device, the policy). Every profile
 * reads the same kind of directory; the bare pipeline uses only its devices, uplink, vault and
 * routes.
 */
final class PlantFiles {

  static final String SITE = "load-site";
  static final String GATEWAY = "load-gw";

  /** The writable tag of every device that ctrl-writeback commands set. */
  static final String SETPOINT = "setpoint";

  /** Holding register of the setpoint, after the largest block of values. */
  static final int SETPOINT_ADDRESS = 40_000;

  private PlantFiles() {}

  /** The OPC UA servers' folder of the variables. */
  private static final String FOLDER = "Load";

  static String deviceId(Workload workload, int index) {
    return String.format(
        workload.protocol() == Workload.Protocol.MODBUS ? "mb-%04d" : "ua-%04d", index);
  }

  /**
   * A Modbus scenario of {@code workload.devices()} devices with free ports; values change every
   * tick.
   */
  static Path writeModbusScenario(Path file, Workload workload) {
    try {
      Files.createDirectories(file.getParent());
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        out.write("tick: " + Math.max(10, workload.pollInterval().toMillis()) + "ms\ndevices:\n");
        for (int d = 0; d < workload.devices(); d++) {
          out.write("  - id: " + deviceId(workload, d) + "\n    points:\n");
          for (int v = 0; v < workload.valuesPerDevice(); v++) {
            out.write(
                "      - {table: holdingRegister, address: "
                    + 2 * v
                    + ", type: float32, value: {ramp: {from: 0, to: "
                    + (100 + v % 900)
                    + ", period: 60s}}}\n");
          }
          out.write(
              "      - {table: holdingRegister, address: "
                  + SETPOINT_ADDRESS
                  + ", type: float32, value: {constant: 20}}\n");
        }
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write scenario " + file, e);
    }
  }

  /**
   * The scenario of one OPC UA server: {@code workload.valuesPerDevice()} Double variables that
   * change every tick (the sampling interval), offered only over Basic256Sha256 SignAndEncrypt; the
   * gateway's client certificate is accepted as it comes (the harness tests the gateway's side of
   * the trust).
   */
  static Path writeOpcUaScenario(Path file, Workload workload, String id) {
    try {
      Files.createDirectories(file.getParent());
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        out.write(
            """
            name: %s
            tick: %dms
            security:
              policies: [Basic256Sha256]
              modes: [SignAndEncrypt]
              clientCertificates: acceptAll
            nodes:
              - folder: %s
                nodes:
            """
                .formatted(id, Math.max(10, workload.pollInterval().toMillis()), FOLDER));
        for (int v = 0; v < workload.valuesPerDevice(); v++) {
          out.write(
              "      - {variable: %s, type: Double, value: {ramp: {from: %d, to: %d, period: 1000s}}}\n"
                  .formatted(variable(v), v, v + 1000));
        }
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write scenario " + file, e);
    }
  }

  private static String variable(int index) {
    return String.format("v%05d", index);
  }

  /**
   * The gateway configuration for a run.
   *
   * @param peers the simulated devices
   * @param vault the {@code vault:} section of trustbridge.yaml
   */
  static Path writeGatewayConfig(
      Path directory,
      Workload workload,
      List<SimulatedPlant.Peer> peers,
      String vault,
      DevelopmentPki pki,
      int brokerPort,
      int observePort) {
    try {
      Files.createDirectories(directory.resolve("routes"));
      Files.createDirectories(directory.resolve("policies"));
      Files.createDirectories(directory.resolve("tags"));
      try (Writer out =
          Files.newBufferedWriter(directory.resolve("trustbridge.yaml"), StandardCharsets.UTF_8)) {
        out.write(
            """
            site: %s
            gateway: %s
            security:
              mode: development
            %s
            observability:
              port: %d
              camelMBeans: %s
            uplinks:
              - id: cloud
                server: ssl://127.0.0.1:%d
                tls:
                  caCertificate: %s
            policies:
              - policies/load.yaml
            commands:
              operatorCa: %s
            devices:
            """
                .formatted(
                    SITE,
                    GATEWAY,
                    vault.strip(),
                    observePort,
                    workload.camelMBeans().configName(),
                    brokerPort,
                    pki.caCertificateFile().toAbsolutePath(),
                    pki.caCertificateFile().toAbsolutePath()));
        for (SimulatedPlant.Peer peer : peers) {
          Path tagList = directory.resolve("tags").resolve(peer.id() + ".csv");
          if (peer instanceof SimulatedPlant.ModbusPeer modbus) {
            out.write(
                """
                    - id: %s
                      protocol: modbus
                      endpoint: 127.0.0.1:%d
                      unitId: 1
                      pollInterval: %dms
                      tagFile: tags/%1$s.csv
                  """
                    .formatted(modbus.id(), modbus.port(), workload.pollInterval().toMillis()));
            writeModbusTagList(tagList, workload);
          } else if (peer instanceof SimulatedPlant.OpcUaPeer opcua) {
            out.write(
                """
                    - id: %s
                      protocol: opcua
                      endpoint: %s
                      security: {policy: Basic256Sha256, mode: SignAndEncrypt}
                      trust:
                        thumbprints: ["%s"]
                      tagFile: tags/%1$s.csv
                  """
                    .formatted(opcua.id(), opcua.endpoint(), opcua.certificateSha256()));
            writeOpcUaTagList(tagList, workload, opcua.namespaceIndex());
          }
        }
      }
      String scheme = workload.protocol() == Workload.Protocol.MODBUS ? "modbus" : "opcua";
      StringBuilder routes = new StringBuilder();
      for (SimulatedPlant.Peer peer : peers) {
        routes.append(
            """
            - route:
                id: telemetry-%1$s
                from:
                  uri: %2$s:%1$s
                  steps:
                    - to:
                        uri: mqtt:cloud
            """
                .formatted(peer.id(), scheme));
      }
      Files.writeString(directory.resolve("routes/telemetry.camel.yaml"), routes);
      // a plant's policy without conditions: what CEL conditions cost is measured by JMH
      Files.writeString(
          directory.resolve("policies/load.yaml"),
          """
          telemetry:
            default: deny
            rules:
              - id: diagnostics-stay-home
                tags: ["diag*"]
                action: deny
              - id: plant
                devices: ["mb-*", "ua-*"]
                action: allow
                range: {min: -1000000, max: 1000000, outside: flag}
          commands:
            rules:
              - id: setpoints
                devices: ["mb-*"]
                tags: [%s]
                roles: [operator]
                range: {min: 0, max: 100}
                rate: {perSecond: 100, burst: 100}
          """
              .formatted(SETPOINT));
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write gateway configuration " + directory, e);
    }
  }

  /** A Modbus device's tags as the CSV list an engineering tool would export. */
  private static void writeModbusTagList(Path file, Workload workload) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("name,table,address,type\n");
      for (int v = 0; v < workload.valuesPerDevice(); v++) {
        out.write("v%05d,holdingRegister,%d,float32\n".formatted(v, 2 * v));
      }
      out.write("%s,holdingRegister,%d,float32\n".formatted(SETPOINT, SETPOINT_ADDRESS));
    }
  }

  /**
   * An OPC UA server's variables as a CSV tag list, each subscribed at the sampling interval with a
   * queue of two, so that a value sampled just before a publish is not overwritten by the next.
   */
  private static void writeOpcUaTagList(Path file, Workload workload, int namespaceIndex)
      throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("name,nodeId,samplingInterval,queueSize\n");
      for (int v = 0; v < workload.valuesPerDevice(); v++) {
        out.write(
            "%s,ns=%d;s=%s/%s,%dms,2\n"
                .formatted(
                    variable(v),
                    namespaceIndex,
                    FOLDER,
                    variable(v),
                    workload.pollInterval().toMillis()));
      }
    }
  }

  /** The ids of a workload's devices. */
  static List<String> deviceIds(Workload workload) {
    return IntStream.range(0, workload.devices()).mapToObj(d -> deviceId(workload, d)).toList();
  }
}
