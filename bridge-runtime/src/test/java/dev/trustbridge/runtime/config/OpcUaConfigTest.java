package dev.trustbridge.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.adapters.modbus.ModbusDevice;
import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.opcua.OpcUaDeadband;
import dev.trustbridge.adapters.opcua.OpcUaDevice;
import dev.trustbridge.adapters.opcua.OpcUaSecurityMode;
import dev.trustbridge.adapters.opcua.OpcUaSecurityPolicy;
import dev.trustbridge.adapters.opcua.OpcUaTag;
import dev.trustbridge.adapters.opcua.OpcUaUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code devices[]} entries with {@code protocol: opcua}, and Modbus device fingerprints. */
class OpcUaConfigTest {

  private static final String HEAD =
      """
      site: plant-a
      gateway: gw-01
      security:
        mode: %s
      vault:
        type: software
        keyStore: pki/identity.p12
        password: ${file:pki/keystore-password}
      uplinks:
        - id: cloud
          server: ssl://broker.example.net:8883
      devices:
      """;

  private static final String SHA = "ab".repeat(32);

  @TempDir Path dir;

  @BeforeEach
  void writeFiles() throws IOException {
    write("pki/keystore-password", "s3cret-value\n");
    write("pki/filler-password", "line pass\n");
    write(
        "routes/telemetry.camel.yaml",
        """
        - route:
            id: filler-telemetry
            from:
              uri: opcua:filler
              steps:
                - to:
                    uri: mqtt:cloud
        """);
  }

  private void write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private void writeMain(String mode, String devices) throws IOException {
    write("trustbridge.yaml", HEAD.formatted(mode) + devices);
  }

  private List<String> problems() {
    try {
      new ConfigLoader(Map.of()).load(dir);
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
    throw new AssertionError("configuration was accepted");
  }

  @Test
  void opcuaDevice_loadsEveryOption() throws Exception {
    writeMain(
        "development",
        """
          - id: filler
            protocol: opcua
            endpoint: opc.tcp://10.0.0.7:4840
            security: {policy: Aes256_Sha256_RsaPss, mode: SignAndEncrypt}
            user: {username: gateway, password: "${file:pki/filler-password}"}
            trust:
              thumbprints: ["%s"]
            fingerprint:
              applicationUri: urn:plant-a:filler
              certificateSha256: "%s"
            pollInterval: 2s
            timeout: 3s
            whileDown: none
            tags:
              - {name: speed, nodeId: "ns=2;s=Filler/Speed", samplingInterval: 250ms, queueSize: 5, deadband: {type: percent, value: 2}, unit: bpm}
              - {name: count, nodeId: "ns=2;i=1001", mode: poll}
        """
            .formatted(SHA.toUpperCase(), SHA));

    GatewayConfig config = new ConfigLoader(Map.of()).load(dir);

    OpcUaDevice filler = config.opcuaDevices().get(0);
    assertThat(config.deviceIds()).containsExactly("filler");
    assertThat(filler.endpointUrl()).isEqualTo("opc.tcp://10.0.0.7:4840");
    assertThat(filler.securityPolicy()).contains(OpcUaSecurityPolicy.AES256_SHA256_RSA_PSS);
    assertThat(filler.securityMode()).contains(OpcUaSecurityMode.SIGN_AND_ENCRYPT);
    assertThat(filler.user()).isEqualTo(new OpcUaUser.UsernamePassword("gateway", "line pass"));
    assertThat(filler.user().toString()).doesNotContain("line pass");
    assertThat(filler.trust().sha256Thumbprints()).containsExactly(SHA);
    assertThat(filler.trust().directory()).contains(dir.resolve("pki/opcua/filler"));
    assertThat(filler.fingerprint().applicationUri()).contains("urn:plant-a:filler");
    assertThat(filler.fingerprint().certificateSha256()).contains(SHA);
    assertThat(filler.pollInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(filler.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(filler.whileDown()).isEqualTo(OpcUaDevice.WhileDown.NONE);
    assertThat(filler.tags())
        .containsExactly(
            new OpcUaTag(
                "speed",
                "ns=2;s=Filler/Speed",
                OpcUaTag.Mode.SUBSCRIBE,
                Duration.ofMillis(250),
                5,
                new OpcUaDeadband(OpcUaDeadband.Type.PERCENT, 2),
                "bpm"),
            new OpcUaTag(
                "count",
                "ns=2;i=1001",
                OpcUaTag.Mode.POLL,
                Duration.ofSeconds(1),
                1,
                OpcUaDeadband.none(),
                ""));
  }

  @Test
  void brokenOpcuaDevice_reportsEveryProblemWithFileLineAndField() throws Exception {
    writeMain(
        "production",
        """
          - id: filler
            protocol: opcua
            endpoint: opc.tcp://10.0.0.7:4840
            security: {policy: None, mode: Sign}
            user: {username: gateway, password: hunter2}
            trust:
              thumbprints: [not-hex]
            tags:
              - {name: speed, nodeId: "Filler/Speed"}
              - {name: count, nodeId: "ns=2;i=7", mode: poll, deadband: {value: 1}}
              - {name: level, nodeId: "ns=2;i=8", mode: push}
        """);

    List<String> problems = problems();

    assertThat(problems).noneMatch(problem -> problem.contains("hunter2"));
    assertThat(problems)
        .contains(
            "trustbridge.yaml:13:5: devices[0]: device filler: security policy None goes with mode"
                + " None and only with it",
            "trustbridge.yaml:16:24: devices[0].security.policy: security None is refused in"
                + " production mode: use Sign or SignAndEncrypt",
            "trustbridge.yaml:17:41: devices[0].user.password: must be a reference such as"
                + " ${env:NAME}, ${file:PATH} or ${credential:NAME}, not the secret itself",
            "trustbridge.yaml:19:20: devices[0].trust.thumbprints: 'not-hex' is not a SHA-256"
                + " thumbprint (64 hex digits, ':' allowed)",
            "trustbridge.yaml:21:9: devices[0].tags[0]: tag speed: 'Filler/Speed' is not a node id"
                + " such as ns=2;s=Filler/Speed",
            "trustbridge.yaml:22:9: devices[0].tags[1]: tag count: a deadband needs mode"
                + " subscribe",
            "trustbridge.yaml:23:49: devices[0].tags[2].mode: unknown value 'push' (expected one"
                + " of: subscribe, poll)");
  }

  @Test
  void routeToUnknownOpcuaDevice_isReportedAtTheRoute() throws Exception {
    writeMain(
        "development",
        """
          - id: capper
            protocol: opcua
            endpoint: opc.tcp://10.0.0.8:4840
            tags:
              - {name: torque, nodeId: "ns=2;s=Capper/Torque"}
        """);

    assertThat(problems())
        .containsExactly(
            "routes/telemetry.camel.yaml:4:12: [0].route.from.uri: names unknown device 'filler'"
                + " (registered: capper)");
  }

  @Test
  void modbusFingerprint_isReadAndCheckedForItsType() throws Exception {
    String modbus =
        """
          - id: filler
            protocol: modbus
            endpoint: 10.0.0.9:502
            fingerprint: {table: holdingRegister, address: 9000, type: uint32, value: %s}
            tags:
              - {name: speed, table: holdingRegister, address: 0}
        """;
    writeMain("development", modbus.formatted("4711"));

    ModbusDevice filler = new ConfigLoader(Map.of()).load(dir).modbusDevices().get(0);

    assertThat(filler.fingerprint()).isPresent();
    assertThat(filler.fingerprint().get().register().table())
        .isEqualTo(ModbusTable.HOLDING_REGISTER);
    assertThat(filler.fingerprint().get().register().address()).isEqualTo(9000);
    assertThat(filler.fingerprint().get().expected()).isEqualTo(4711L);
    assertThat(filler.fingerprint().map(f -> f.describe()))
        .isEqualTo(Optional.of("table=holdingRegister address=9000 type=uint32"));

    writeMain("development", modbus.formatted("SN-4711"));
    assertThat(problems())
        .containsExactly(
            "trustbridge.yaml:16:18: devices[0].fingerprint: value 'SN-4711' is not a uint32"
                + " number");
  }
}
