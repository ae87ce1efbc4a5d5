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
import dev.trustbridge.runtime.attest.GatewayMeasurements;
import dev.trustbridge.trust.attest.Measurement;
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

  private static final String FILLER_WITH_TAG_FILE =
      """
        - id: filler
          protocol: opcua
          endpoint: opc.tcp://10.0.0.7:4840
          tagFile: tags/filler.csv
      """;

  @Test
  void opcuaTagFile_readsTagsWithDefaultsDeadbandColumnsAndQuotedCells() throws Exception {
    writeMain("development", FILLER_WITH_TAG_FILE);
    write(
        "tags/filler.csv",
        """
        # exported from the filler's address space
        name,nodeId,mode,samplingInterval,queueSize,deadband.type,deadband.value,unit
        speed,ns=2;s=Filler/Speed,,250ms,5,percent,2,bpm
        count,ns=2;i=1001,poll,,,,,
        "level, tank 1","ns=2;s=Tank 1, Level",,,,,0.5,m
        """);

    GatewayConfig config = new ConfigLoader(Map.of()).load(dir);

    assertThat(config.opcuaDevices().get(0).tags())
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
                ""),
            new OpcUaTag(
                "level, tank 1",
                "ns=2;s=Tank 1, Level",
                OpcUaTag.Mode.SUBSCRIBE,
                Duration.ofSeconds(1),
                1,
                new OpcUaDeadband(OpcUaDeadband.Type.ABSOLUTE, 0.5),
                "m"));
    assertThat(config.tagFiles()).containsExactly(dir.resolve("tags/filler.csv"));
    // measured at start like the other configuration files
    assertThat(new GatewayMeasurements().measure(config))
        .extracting(Measurement::component)
        .contains("tags:tags/filler.csv");
  }

  @Test
  void opcuaTagFileWithErrors_reportsEachWithFileLineColumnAndColumnName() throws Exception {
    writeMain("development", FILLER_WITH_TAG_FILE);
    write(
        "tags/filler.csv",
        """
        name,nodeId,samplingInterval,deadband.type,deadband.value
        speed,ns=2;s=Filler/Speed,fast
        count,ns=2;i=1001,,relative,1
        speed,ns=2;i=1002
        level,ns=2;i=1003,,percent,150
        flow,Filler/Flow
        """);

    assertThat(problems())
        .containsExactly(
            "tags/filler.csv:2:27: samplingInterval: 'fast' is not a positive duration such as"
                + " 500ms, 2s, 5m or 1h",
            "tags/filler.csv:3:20: deadband.type: unknown value 'relative' (expected one of: none,"
                + " absolute, percent)",
            "tags/filler.csv:4:1: name: tag 'speed' is declared twice on this device",
            "tags/filler.csv:5:20: deadband: deadband 150.0 must be 0 or more and at most 100",
            "tags/filler.csv:6:1: tag flow: 'Filler/Flow' is not a node id such as"
                + " ns=2;s=Filler/Speed");
  }

  @Test
  void opcuaTagFileWithoutNodeIdColumn_namesTheColumns() throws Exception {
    writeMain("development", FILLER_WITH_TAG_FILE);
    write("tags/filler.csv", "name,node,deadband\nspeed,ns=2;s=Filler/Speed,1\n");

    assertThat(problems())
        .containsExactly(
            "tags/filler.csv:1:1: the header lacks the column 'nodeId'",
            "tags/filler.csv:1:6: unknown column 'node' (expected: name, nodeId, mode,"
                + " samplingInterval, queueSize, deadband.type, deadband.value, unit)",
            "tags/filler.csv:1:11: unknown column 'deadband' (expected: name, nodeId, mode,"
                + " samplingInterval, queueSize, deadband.type, deadband.value, unit)");
  }

  @Test
  void opcuaTagsAndTagFileTogether_areRefused() throws Exception {
    writeMain(
        "development",
        FILLER_WITH_TAG_FILE
            + """
                tags:
                  - {name: speed, nodeId: "ns=2;s=Filler/Speed"}
            """);
    write("tags/filler.csv", "name,nodeId\nspeed,ns=2;s=Filler/Speed\n");

    assertThat(problems())
        .containsExactly(
            "trustbridge.yaml:16:14: devices[0].tagFile: give the tags either under 'tags' or in"
                + " 'tagFile', not both");
  }

  @Test
  void opcuaDeviceWithoutTags_saysWhereTagsGo() throws Exception {
    writeMain("development", FILLER_WITH_TAG_FILE.replace("    tagFile: tags/filler.csv\n", ""));

    assertThat(problems())
        .containsExactly(
            "trustbridge.yaml:13:5: devices[0].tags: is required: list the tags here, or name a CSV"
                + " tag list in 'tagFile'");
  }

  @Test
  void opcuaYamlDeadbandWithUnknownKey_isRefused() throws Exception {
    writeMain(
        "development",
        """
          - id: filler
            protocol: opcua
            endpoint: opc.tcp://10.0.0.7:4840
            tags:
              - {name: speed, nodeId: "ns=2;s=Filler/Speed", deadband: {type: absolute, vlaue: 1}}
        """);

    assertThat(problems())
        .containsExactly(
            "trustbridge.yaml:17:81: devices[0].tags[0].deadband.vlaue: unknown key (expected one"
                + " of: type, value)");
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
