package dev.trustbridge.benchmarks.load;

import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Writes what one run needs: the simulator's scenario and the gateway's configuration directory
 * (trustbridge.yaml, a CSV tag list per device, one route per device, the policy). Both profiles
 * read the same directory; the bare pipeline uses only its devices, uplink, vault and routes.
 */
final class PlantFiles {

  static final String SITE = "load-site";
  static final String GATEWAY = "load-gw";

  /** The writable tag of every device that ctrl-writeback commands set. */
  static final String SETPOINT = "setpoint";

  /** Holding register of the setpoint, after the largest block of values. */
  static final int SETPOINT_ADDRESS = 40_000;

  private PlantFiles() {}

  static String deviceId(int index) {
    return String.format("mb-%04d", index);
  }

  /** A scenario of {@code workload.devices()} devices with free ports; values change every tick. */
  static Path writeScenario(Path file, Workload workload) {
    try {
      Files.createDirectories(file.getParent());
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        out.write("tick: " + Math.max(10, workload.pollInterval().toMillis()) + "ms\ndevices:\n");
        for (int d = 0; d < workload.devices(); d++) {
          out.write("  - id: " + deviceId(d) + "\n    points:\n");
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
   * The gateway configuration for a run.
   *
   * @param ports the simulator's port of each device id
   */
  static Path writeGatewayConfig(
      Path directory,
      Workload workload,
      Map<String, Integer> ports,
      DevelopmentPki pki,
      int brokerPort,
      int observePort) {
    IssuedCertificate identity = pki.gatewayIdentity(GATEWAY, SITE);
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
            vault:
              type: software
              keyStore: %s
              password: ${file:%s}
              alias: %s
            observability:
              port: %d
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
                    identity.keyStoreFile().toAbsolutePath(),
                    pki.passwordFile().toAbsolutePath(),
                    identity.name(),
                    observePort,
                    brokerPort,
                    pki.caCertificateFile().toAbsolutePath(),
                    pki.caCertificateFile().toAbsolutePath()));
        for (int d = 0; d < workload.devices(); d++) {
          String id = deviceId(d);
          out.write(
              "  - id: %s\n    protocol: modbus\n    endpoint: 127.0.0.1:%d\n    unitId: 1\n"
                      .formatted(id, ports.get(id))
                  + "    pollInterval: %dms\n    tagFile: tags/%s.csv\n"
                      .formatted(workload.pollInterval().toMillis(), id));
          writeTagList(directory.resolve("tags").resolve(id + ".csv"), workload);
        }
      }
      StringBuilder routes = new StringBuilder();
      for (int d = 0; d < workload.devices(); d++) {
        routes.append(
            """
            - route:
                id: telemetry-%1$s
                from:
                  uri: modbus:%1$s
                  steps:
                    - to:
                        uri: mqtt:cloud
            """
                .formatted(deviceId(d)));
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
                devices: ["mb-*"]
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

  /** A device's tags as the CSV list an engineering tool would export. */
  private static void writeTagList(Path file, Workload workload) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("name,table,address,type\n");
      for (int v = 0; v < workload.valuesPerDevice(); v++) {
        out.write("v%05d,holdingRegister,%d,float32\n".formatted(v, 2 * v));
      }
      out.write("%s,holdingRegister,%d,float32\n".formatted(SETPOINT, SETPOINT_ADDRESS));
    }
  }

  /** The ids of a workload's devices. */
  static List<String> deviceIds(Workload workload) {
    return IntStream.range(0, workload.devices()).mapToObj(PlantFiles::deviceId).toList();
  }
}
