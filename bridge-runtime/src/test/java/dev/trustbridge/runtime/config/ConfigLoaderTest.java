package dev.trustbridge.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.adapters.modbus.ByteOrder;
import dev.trustbridge.adapters.modbus.ModbusDataType;
import dev.trustbridge.adapters.modbus.ModbusDevice;
import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.modbus.ModbusTag;
import dev.trustbridge.adapters.modbus.WordOrder;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.adapters.mqtt.UplinkSettings.MqttVersion;
import dev.trustbridge.runtime.attest.GatewayMeasurements;
import dev.trustbridge.runtime.config.ObservabilitySettings.LogFormat;
import dev.trustbridge.trust.attest.Measurement;
import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.vault.VaultConfig;
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

class ConfigLoaderTest {

  private static final String VALID_MAIN =
      """
      site: plant-a
      gateway: gw-01
      security:
        mode: development
      devices:
        - id: boiler-1
          protocol: modbus
          endpoint: 127.0.0.1:${env:BOILER_PORT}
          unitId: 3
          pollInterval: 250ms
          tags:
            - name: temperature
              table: holdingRegister
              address: 0
              type: float32
              wordOrder: lowFirst
              unit: degC
            - name: pressure
              table: inputRegister
              address: 10
              type: int16
              scale: 0.1
              unit: bar
            - name: burner
              table: coil
              address: 4
      uplinks:
        - id: cloud
          server: ssl://broker.example.net:8883
          mqttVersion: "3.1.1"
          tls:
            caCertificate: pki/ca.pem
      vault:
        type: software
        keyStore: pki/identity.p12
        password: ${file:pki/keystore-password}
      """;

  // the line of VALID_MAIN after which an uplink's further keys go
  private static final String MQTT_VERSION = "    mqttVersion: \"3.1.1\"\n";

  private static final String VALID_ROUTE =
      """
      - route:
          id: boiler-telemetry
          from:
            uri: modbus:boiler-1
            steps:
              - to:
                  uri: mqtt:cloud
      """;

  @TempDir Path dir;

  @BeforeEach
  void writePkiFiles() throws IOException {
    write("pki/ca.pem", "-----BEGIN CERTIFICATE-----\n");
    write("pki/gateway.p12", "keystore");
    write("pki/keystore-password", "s3cret-value\n");
  }

  private void write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private GatewayConfig load() throws ConfigException {
    return new ConfigLoader(Map.of("BOILER_PORT", "5020")).load(dir);
  }

  private List<String> problems() {
    try {
      load();
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
    throw new AssertionError("configuration was accepted");
  }

  @Test
  void validDirectory_loadsDevicesTagsAndRoutes() throws Exception {
    write("trustbridge.yaml", VALID_MAIN);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    GatewayConfig config = load();

    assertThat(config.site()).isEqualTo("plant-a");
    assertThat(config.gatewayId()).isEqualTo("gw-01");
    assertThat(config.securityMode()).isEqualTo(SecurityMode.DEVELOPMENT);
    assertThat(config.routeFiles()).containsExactly(dir.resolve("routes/telemetry.camel.yaml"));
    assertThat(config.modbusDevices())
        .containsExactly(
            new ModbusDevice(
                "boiler-1",
                "127.0.0.1",
                5020,
                3,
                Duration.ofMillis(250),
                Duration.ofSeconds(2),
                List.of(
                    new ModbusTag(
                        "temperature",
                        ModbusTable.HOLDING_REGISTER,
                        0,
                        ModbusDataType.FLOAT32,
                        ByteOrder.BIG_ENDIAN,
                        WordOrder.LOW_FIRST,
                        1,
                        0,
                        "degC"),
                    new ModbusTag(
                        "pressure",
                        ModbusTable.INPUT_REGISTER,
                        10,
                        ModbusDataType.INT16,
                        ByteOrder.BIG_ENDIAN,
                        WordOrder.HIGH_FIRST,
                        0.1,
                        0,
                        "bar"),
                    new ModbusTag(
                        "burner",
                        ModbusTable.COIL,
                        4,
                        ModbusDataType.BOOL,
                        ByteOrder.BIG_ENDIAN,
                        WordOrder.HIGH_FIRST,
                        1,
                        0,
                        ""))));
  }

  @Test
  void largeTagList_beyondTheYamlParsersDefaultLimit_loads() throws Exception {
    // 60,000 tags take about 4.5 MB: more than the 3 MiB snakeyaml-engine reads by default
    StringBuilder main = new StringBuilder(VALID_MAIN);
    int tagsAt = main.indexOf("    tags:\n") + "    tags:\n".length();
    StringBuilder tags = new StringBuilder();
    for (int i = 0; i < 60_000; i++) {
      tags.append(
          "      - {name: value%05d, table: holdingRegister, address: %d, type: uint16}\n"
              .formatted(i, 100 + i));
    }
    main.insert(tagsAt, tags);
    assertThat(main.length()).isGreaterThan(3 << 20);
    write("trustbridge.yaml", main.toString());
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    GatewayConfig config = load();

    assertThat(config.modbusDevices().get(0).tags()).hasSize(60_003);
  }

  private static final String TAGS_BLOCK =
      VALID_MAIN.substring(VALID_MAIN.indexOf("    tags:\n"), VALID_MAIN.indexOf("uplinks:\n"));

  @Test
  void tagFile_readsTheSameTagsAsTheYamlList() throws Exception {
    write("trustbridge.yaml", VALID_MAIN);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);
    List<ModbusTag> fromYaml = load().modbusDevices().get(0).tags();
    write("trustbridge.yaml", VALID_MAIN.replace(TAGS_BLOCK, "    tagFile: tags/boiler-1.csv\n"));
    write(
        "tags/boiler-1.csv",
        """
        # exported from the boiler's PLC project
        name,table,address,type,byteOrder,wordOrder,scale,offset,unit
        temperature,holdingRegister,0,float32,,lowFirst,,,degC
        pressure, inputRegister ,10,int16,,,0.1,,bar

        burner,coil,4
        """);

    GatewayConfig config = load();

    assertThat(config.modbusDevices().get(0).tags()).isEqualTo(fromYaml);
    assertThat(config.tagFiles()).containsExactly(dir.resolve("tags/boiler-1.csv"));
    // measured at start like the other configuration files
    assertThat(new GatewayMeasurements().measure(config))
        .extracting(Measurement::component)
        .contains("tags:tags/boiler-1.csv");
  }

  @Test
  void tagFile_quotedCellHoldsCommasAndQuotes() throws Exception {
    write("trustbridge.yaml", VALID_MAIN.replace(TAGS_BLOCK, "    tagFile: tags.csv\n"));
    write("routes/telemetry.camel.yaml", VALID_ROUTE);
    write("tags.csv", "name,table,address,unit\n\"flow, \"\"main\"\"\",inputRegister,3,\"m3/h\"\n");

    assertThat(load().modbusDevices().get(0).tags())
        .singleElement()
        .satisfies(
            tag -> {
              assertThat(tag.name()).isEqualTo("flow, \"main\"");
              assertThat(tag.unit()).isEqualTo("m3/h");
            });
  }

  @Test
  void tagFileWithErrors_reportsEachWithFileLineColumnAndColumnName() throws Exception {
    write("trustbridge.yaml", VALID_MAIN.replace(TAGS_BLOCK, "    tagFile: tags/boiler-1.csv\n"));
    write("routes/telemetry.camel.yaml", VALID_ROUTE);
    write(
        "tags/boiler-1.csv",
        """
        name,table,address,type
        temperature,holdingRegister,0,flaot32
        pressure,inputRegister,70000
        temperature,coil,1
        extra,coil,2,bool,surplus
        """);

    assertThat(problems())
        .containsExactly(
            "tags/boiler-1.csv:2:31: type: unknown value 'flaot32' (expected one of: bool, int16,"
                + " uint16, int32, uint32, float32)",
            "tags/boiler-1.csv:3:24: address: 70000 is outside 0..65535",
            "tags/boiler-1.csv:4:1: name: tag 'temperature' is declared twice on this device",
            "tags/boiler-1.csv:5:1: has 5 cells, the header names 4 columns");
  }

  @Test
  void tagFileWithBadHeader_namesTheColumns() throws Exception {
    write("trustbridge.yaml", VALID_MAIN.replace(TAGS_BLOCK, "    tagFile: tags.csv\n"));
    write("routes/telemetry.camel.yaml", VALID_ROUTE);
    write("tags.csv", "name,tabel,address\ntemperature,holdingRegister,0\n");

    assertThat(problems())
        .containsExactly(
            "tags.csv:1:1: the header lacks the column 'table'",
            "tags.csv:1:6: unknown column 'tabel' (expected: name, table, address, type,"
                + " byteOrder, wordOrder, scale, offset, unit)");
  }

  @Test
  void neitherTagsNorTagFile_saysWhereTagsGo() throws Exception {
    write("trustbridge.yaml", VALID_MAIN.replace(TAGS_BLOCK, ""));
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(problems())
        .containsExactly(
            "trustbridge.yaml:6:5: devices[0].tags: is required: list the tags here, or name a CSV tag"
                + " list in 'tagFile'");
  }

  @Test
  void tagsAndTagFileTogether_orAMissingTagFile_areRefused() throws Exception {
    write(
        "trustbridge.yaml",
        VALID_MAIN.replace("    tags:\n", "    tagFile: tags/missing.csv\n    tags:\n"));
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(problems())
        .containsExactlyInAnyOrder(
            "trustbridge.yaml:11:14: devices[0].tagFile: give the tags either under 'tags' or in"
                + " 'tagFile', not both",
            "tags/missing.csv: file not found in " + dir.resolve("tags"));
  }

  @Test
  void validDirectory_loadsUplinkAndVault() throws Exception {
    write("trustbridge.yaml", VALID_MAIN);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    GatewayConfig config = load();

    UplinkSettings uplink = config.uplinks().get(0);
    assertThat(uplink.id()).isEqualTo("cloud");
    assertThat(uplink.serverUri()).isEqualTo("ssl://broker.example.net:8883");
    assertThat(uplink.version()).isEqualTo(MqttVersion.MQTT_3_1_1);
    assertThat(uplink.caCertificateFile()).isEqualTo(Optional.of(dir.resolve("pki/ca.pem")));
    assertThat(uplink.tlsProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(config.identity().key().alias()).isEqualTo("gateway-identity");
    VaultConfig.Software vault = (VaultConfig.Software) config.identity().key().vault();
    assertThat(vault.keyStore()).isEqualTo(dir.resolve("pki/identity.p12"));
    assertThat(new String(vault.password())).isEqualTo("s3cret-value");
    assertThat(vault.toString()).doesNotContain("s3cret-value");
  }

  @Test
  void uplinkReconnect_setsTheBackoff_andALongestDelayBelowTheFirstIsRefused() throws Exception {
    write("routes/telemetry.camel.yaml", VALID_ROUTE);
    write(
        "trustbridge.yaml",
        VALID_MAIN.replace(MQTT_VERSION, MQTT_VERSION + reconnect("500ms", "30s")));

    UplinkSettings uplink = load().uplinks().get(0);

    assertThat(uplink.reconnectInitialDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(uplink.reconnectMaxDelay()).isEqualTo(Duration.ofSeconds(30));

    write(
        "trustbridge.yaml",
        VALID_MAIN.replace(MQTT_VERSION, MQTT_VERSION + reconnect("1m", "30s")));

    assertThat(problems())
        .singleElement()
        .asString()
        .matches(
            "trustbridge\\.yaml:\\d+:\\d+: uplinks\\[0\\]\\.reconnect\\.maxDelay: must not be shorter"
                + " than initialDelay");
  }

  private static String reconnect(String initialDelay, String maxDelay) {
    return "    reconnect:\n      initialDelay: "
        + initialDelay
        + "\n      maxDelay: "
        + maxDelay
        + "\n";
  }

  @Test
  void literalSecret_isRefusedWithoutEchoingIt() throws Exception {
    write(
        "trustbridge.yaml", VALID_MAIN.replace("${file:pki/keystore-password}", "hunter2-literal"));
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    List<String> problems = problems();

    assertThat(problems).noneMatch(problem -> problem.contains("hunter2"));
    assertThat(problems)
        .containsExactly(
            "trustbridge.yaml:36:13: vault.password: must be a reference such as ${env:NAME},"
                + " ${file:PATH} or ${credential:NAME}, not the secret itself");
  }

  @Test
  void softwareVaultInProduction_isRefused() throws Exception {
    write("trustbridge.yaml", VALID_MAIN.replace("mode: development", "mode: production"));
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(problems())
        .containsExactly(
            "routes/telemetry.camel.yaml:4:12: [0].route.from.uri: device 'boiler-1' is covered by"
                + " no telemetry rule: production mode needs a policy for every routed device"
                + " (trustbridge.yaml 'policies:')",
            "trustbridge.yaml:34:9: vault.type: software keys are refused in production mode: use a"
                + " TPM or HSM through pkcs11");
  }

  @Test
  void pkcs11Vault_takesTheKeyNameFromTheUriAndThePinByReference() throws Exception {
    write(
        "trustbridge.yaml",
        VALID_MAIN.substring(0, VALID_MAIN.indexOf("vault:"))
            + """
            vault:
              type: pkcs11
              uri: "pkcs11:token=trustbridge;object=gw-key?module-path=/usr/lib/softhsm/libsofthsm2.so"
              pin: ${credential:token-pin}
            """);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);
    write("credentials/token-pin", "4711-pin\n");

    GatewayConfig config =
        new ConfigLoader(
                Map.of(
                    "BOILER_PORT",
                    "5020",
                    "CREDENTIALS_DIRECTORY",
                    dir.resolve("credentials").toString()))
            .load(dir);

    assertThat(config.identity().key().alias()).isEqualTo("gw-key");
    VaultConfig.Pkcs11 vault = (VaultConfig.Pkcs11) config.identity().key().vault();
    assertThat(vault.token().modulePath()).isEqualTo(Path.of("/usr/lib/softhsm/libsofthsm2.so"));
    assertThat(vault.token().token()).contains("trustbridge");
    assertThat(new String(vault.pin())).isEqualTo("4711-pin");
  }

  @Test
  void envelopesSection_setsLifetimeChainsStateAndMaxSamples() throws Exception {
    write(
        "trustbridge.yaml",
        VALID_MAIN
            + """
            envelopes:
              sessionLifetime: 30m
              chains: published
              stateDirectory: /var/lib/trustbridge/state
              maxSamples: 200
            """);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    EnvelopeSettings envelopes = load().envelopes();

    assertThat(envelopes.sessionLifetime()).isEqualTo(Duration.ofMinutes(30));
    assertThat(envelopes.chainMode()).isEqualTo(ChainMode.PUBLISHED);
    assertThat(envelopes.stateDirectory()).isEqualTo(Path.of("/var/lib/trustbridge/state"));
    assertThat(envelopes.maxSamples()).isEqualTo(200);
  }

  @Test
  void envelopesAbsent_defaultsToEmbeddedHourlySessionsInTheConfigDirectory() throws Exception {
    write("trustbridge.yaml", VALID_MAIN);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    EnvelopeSettings envelopes = load().envelopes();

    assertThat(envelopes.sessionLifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(envelopes.chainMode()).isEqualTo(ChainMode.EMBEDDED);
    assertThat(envelopes.stateDirectory()).isEqualTo(dir.resolve("state"));
    assertThat(envelopes.maxSamples()).isEqualTo(1000);
  }

  @Test
  void sessionLifetimeBeyondADay_isRefused() throws Exception {
    write("trustbridge.yaml", VALID_MAIN + "envelopes:\n  sessionLifetime: 2d\n");
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(problems())
        .containsExactly(
            "trustbridge.yaml:38:20: envelopes.sessionLifetime: must be between 5m and 23h");
  }

  @Test
  void outboxSection_setsBoundsPolicyWindowAndKeyProtection() throws Exception {
    write(
        "trustbridge.yaml",
        VALID_MAIN
            + """
            outbox:
              maxBytes: 64MiB
              maxAge: 7d
              whenFull: dropOldest
              inFlight: 16
              dataKey:
                protection: tpm
                tcti: "device:/dev/tpmrm0"
            """);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    OutboxSettings outbox = load().outbox();

    assertThat(outbox.maxBytes()).isEqualTo(64L << 20);
    assertThat(outbox.maxAge()).contains(Duration.ofDays(7));
    assertThat(outbox.whenFull()).isEqualTo(OutboxSettings.WhenFull.DROP_OLDEST);
    assertThat(outbox.inFlight()).isEqualTo(16);
    assertThat(outbox.keyProtection()).isEqualTo(OutboxSettings.KeyProtection.TPM);
    assertThat(outbox.tcti()).contains("device:/dev/tpmrm0");
  }

  @Test
  void outboxAbsent_defaultsTo256MiBBlockingAutoProtection() throws Exception {
    write("trustbridge.yaml", VALID_MAIN);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(load().outbox()).isEqualTo(OutboxSettings.defaults());
    assertThat(OutboxSettings.defaults().whenFull()).isEqualTo(OutboxSettings.WhenFull.BLOCK);
  }

  @Test
  void outboxWithWrongValues_reportsEachWithLineAndField() throws Exception {
    write(
        "trustbridge.yaml",
        VALID_MAIN
            + """
            outbox:
              maxBytes: 12 apples
              whenFull: dropNewest
              inFlight: 0
              dataKey:
                protection: token
                tcti: "device:/dev/tpmrm0"
            """);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(problems())
        .containsExactly(
            "trustbridge.yaml:38:13: outbox.maxBytes: '12 apples' is not a size such as 4096,"
                + " 64KiB, 256MiB or 2GiB",
            "trustbridge.yaml:39:13: outbox.whenFull: unknown value 'dropNewest' (expected one of:"
                + " block, dropOldest)",
            "trustbridge.yaml:40:13: outbox.inFlight: 0 is outside 1..1024",
            "trustbridge.yaml:43:11: outbox.dataKey.tcti: applies only with protection: tpm");
  }

  @Test
  void observabilitySection_setsListenerThresholdLogFormatAndJmx() throws Exception {
    write(
        "trustbridge.yaml",
        VALID_MAIN
            + """
            observability:
              http: true
              host: 0.0.0.0
              port: 9100
              certificateMinValidity: 30d
              logFormat: json
              jmx: false
              camelMBeans: context
            """);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(load().observability())
        .isEqualTo(
            new ObservabilitySettings(
                true,
                "0.0.0.0",
                9100,
                Duration.ofDays(30),
                LogFormat.JSON,
                false,
                ObservabilitySettings.CamelMBeans.CONTEXT));
  }

  @Test
  void observabilityAbsent_defaultsToLoopbackKeyValueAndLocalJmx() throws Exception {
    write("trustbridge.yaml", VALID_MAIN);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    ObservabilitySettings observability = load().observability();

    assertThat(observability).isEqualTo(ObservabilitySettings.defaults());
    assertThat(observability.host()).isEqualTo("127.0.0.1");
    assertThat(observability.port()).isEqualTo(9876);
    assertThat(observability.logFormat()).isEqualTo(LogFormat.KEY_VALUE);
    assertThat(observability.camelMBeans()).isEqualTo(ObservabilitySettings.CamelMBeans.ROUTES);
  }

  @Test
  void observabilityWithWrongValues_reportsEachWithLineAndField() throws Exception {
    write(
        "trustbridge.yaml",
        VALID_MAIN
            + """
            observability:
              http: maybe
              port: 70000
              logFormat: xml
              metrics: on
              camelMBeans: all
            """);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(problems())
        .containsExactly(
            "trustbridge.yaml:38:9: observability.http: 'maybe' is not true or false",
            "trustbridge.yaml:39:9: observability.port: 70000 is outside 1..65535",
            "trustbridge.yaml:40:14: observability.logFormat: unknown value 'xml' (expected one"
                + " of: keyValue, json)",
            "trustbridge.yaml:41:3: observability.metrics: unknown key (expected one of: http,"
                + " host, port, certificateMinValidity, logFormat, jmx, camelMBeans)",
            "trustbridge.yaml:42:16: observability.camelMBeans: unknown value 'all' (expected one"
                + " of: routes, context)");
  }

  @Test
  void securityModeAbsent_defaultsToProduction() throws Exception {
    write("trustbridge.yaml", VALID_MAIN.replace("security:\n  mode: development\n", ""));
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    // production is the default, and production refuses the development vault
    assertThat(problems())
        .anyMatch(problem -> problem.contains("software keys are refused in production mode"));
  }

  @Test
  void brokenMainFile_reportsEveryProblemWithFileLineAndField() throws Exception {
    write(
        "trustbridge.yaml",
        """
        site: plant-a
        gatway: gw-01
        devices:
          - id: boiler-1
            protocol: modbus
            endpoint: 127.0.0.1:5020
            pollInterval: soon
            tags:
              - name: temperature
                table: holdingRegister
                address: 70000
                type: flaot32
              - name: temperature
                table: coil
                address: 1
                type: int16
        uplinks:
          - id: cloud
            server: tcp://broker.example.net
        """);
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(problems())
        .containsExactly(
            "routes/telemetry.camel.yaml:4:12: [0].route.from.uri: device 'boiler-1' is covered by"
                + " no telemetry rule: production mode needs a policy for every routed device"
                + " (trustbridge.yaml 'policies:')",
            "trustbridge.yaml:1:1: gateway: is required",
            "trustbridge.yaml:1:1: vault: is required: it names where the gateway's identity key lives",
            "trustbridge.yaml:2:1: gatway: unknown key (expected one of: security, site, gateway,"
                + " vault, devices, uplinks, envelopes, outbox, attestation, observability, policies,"
                + " commands)",
            "trustbridge.yaml:7:19: devices[0].pollInterval: 'soon' is not a positive duration such"
                + " as 500ms, 2s, 5m or 1h",
            "trustbridge.yaml:11:18: devices[0].tags[0].address: 70000 is outside 0..65535",
            "trustbridge.yaml:12:15: devices[0].tags[0].type: unknown value 'flaot32' (expected one"
                + " of: bool, int16, uint16, int32, uint32, float32)",
            "trustbridge.yaml:13:9: devices[0].tags[1]: tag temperature: type int16 cannot be read"
                + " from coil",
            "trustbridge.yaml:13:15: devices[0].tags[1].name: tag 'temperature' is declared twice"
                + " on this device",
            "trustbridge.yaml:19:13: uplinks[0].server: plaintext tcp:// is refused in production"
                + " mode; use ssl:// (mutual TLS)");
  }

  @Test
  void missingEnvironmentVariable_isNamedWithoutCascadingIntoRoutes() throws Exception {
    write(
        "trustbridge.yaml",
        VALID_MAIN.replace("127.0.0.1:${env:BOILER_PORT}", "127.0.0.1:${env:NO_SUCH_PORT}"));
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(problems())
        .containsExactly(
            "trustbridge.yaml:8:15: devices[0].endpoint: environment variable NO_SUCH_PORT is not set");
  }

  @Test
  void brokenRouteFile_reportsCamelGrammarAndUnknownDeviceWithLineAndField() throws Exception {
    write("trustbridge.yaml", VALID_MAIN);
    write(
        "routes/telemetry.camel.yaml",
        """
        - route:
            id: boiler-telemetry
            from:
              uri: modbus:boiler-2
              steps:
                - lgo: "hello"
                - to:
                    uri: mqtt:cloud
        """);
    write(
        "routes/status.camel.yaml",
        """
        - from:
            uri: modbus:boiler-1
            steps:
              - to: mqtt:elsewhere?qos=1
        """);

    assertThat(problems())
        .containsExactly(
            "routes/status.camel.yaml:1:3: [0].from: a route needs an explicit id: write it as"
                + " '- route: {id: …, from: …}'",
            "routes/status.camel.yaml:4:13: [0].from.steps[0].to: names unknown uplink 'elsewhere'"
                + " (configured: cloud)",
            "routes/telemetry.camel.yaml:4:12: [0].route.from.uri: names unknown device 'boiler-2'"
                + " (registered: boiler-1)",
            "routes/telemetry.camel.yaml:6:11: [0].route.from.steps[0].lgo: Camel YAML DSL: Unknown"
                + " node id: lgo");
  }

  @Test
  void missingFiles_areNamed() throws Exception {
    assertThat(problems())
        .containsExactly(
            "routes/: directory not found in " + dir, "trustbridge.yaml: file not found in " + dir);
  }

  @Test
  void invalidYaml_isReportedAtItsLine() throws Exception {
    write("trustbridge.yaml", "site: plant-a\ngateway: [gw-01\n");
    write("routes/telemetry.camel.yaml", VALID_ROUTE);

    assertThat(problems())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("trustbridge.yaml:3:1: is not valid YAML");
  }

  /** A self-signed CA certificate, only parsed here. */
  private static final String OPERATOR_CA_PEM =
      """
      -----BEGIN CERTIFICATE-----
      MIIBjTCCATOgAwIBAgIUCTz0ueTgmAWkxXWbamyfCv9t07swCgYIKoZIzj0EAwIw
      GzEZMBcGA1UEAwwQVGVzdCBPcGVyYXRvciBDQTAgFw0yNjExMjcwOTE5MzFaGA8y
      MTI2MTEwMzA5MTkzMVowGzEZMBcGA1UEAwwQVGVzdCBPcGVyYXRvciBDQTBZMBMG
      ByqGSM49AgEGCCqGSM49AwEHA0IABITw1qKu8ZC64uZdFLm4jtgJ3mtDZOV/R6yP
      r29FKmTqWeczxvOiOClAh4AgHWyqs4uxGtr5yEWlPc/p9u9/LD6jUzBRMB0GA1Ud
      DgQWBBRYs/7au2iP8z+wEd7xyoXpDo38uzAfBgNVHSMEGDAWgBRYs/7au2iP8z+w
      Ed7xyoXpDo38uzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDP
      WWvEjPrr+dl1YDESCK9WFQCIgHEbxS73uhRntbLsbAIgG/NAopACqxxYPPhLe/Iv
      OphLRtFGaOtr3lOq8LD4QZA=
      -----END CERTIFICATE-----
      """;

  private static final String POLICY_WITH_ERRORS =
      """
      telemetry:
        default: deny
        rules:
          - id: hot
            devices: [boiler-*]
            when: "vlaue > 80"
            action: allow
          - id: multi-line
            action: allow
            when: |
              tag == 'temperature' &&
                value >
      commands:
        rules:
          - id: setpoints
            roles: [operator]
            when: value + 1
            range: {min: 0, max: 90}
          - id: no-roles
            rate: {perSecond: 0}
      """;

  @Test
  void policyErrors_reportFileLineColumnAndRule() throws Exception {
    write("trustbridge.yaml", VALID_MAIN + "policies:\n  - policies/plant.yaml\n");
    write("routes/telemetry.camel.yaml", VALID_ROUTE);
    write("policies/plant.yaml", POLICY_WITH_ERRORS);

    assertThat(problems())
        .containsExactly(
            "policies/plant.yaml:6:14: rule hot: CEL: undeclared reference to 'vlaue' (in container '')",
            "policies/plant.yaml:13:9: rule multi-line: CEL: mismatched input '<EOF>'"
                + " expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT,"
                + " NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}",
            "policies/plant.yaml:17:19: rule setpoints: CEL: expected type 'bool' but found 'int'",
            "policies/plant.yaml:19:7: commands.rules[1].roles: is required: the roles that may"
                + " send these commands",
            "policies/plant.yaml:20:13: commands.rules[1].rate: must allow more than zero per second");
  }

  @Test
  void routedDeviceWithoutTelemetryRule_isRefusedInProduction() throws Exception {
    write(
        "trustbridge.yaml",
        VALID_MAIN.replace("mode: development", "mode: production")
            + "policies:\n  - policies/plant.yaml\n");
    write("routes/telemetry.camel.yaml", VALID_ROUTE);
    write(
        "policies/plant.yaml",
        "telemetry:\n  rules:\n    - {id: pumps, devices: [pump-*], action: allow}\n");

    assertThat(problems())
        .contains(
            "routes/telemetry.camel.yaml:4:12: [0].route.from.uri: device 'boiler-1' is covered by"
                + " no telemetry rule: production mode needs a policy for every routed device"
                + " (trustbridge.yaml 'policies:')");
  }

  @Test
  void policyAndCommands_loadWithDefaultsPerMode() throws Exception {
    write(
        "trustbridge.yaml",
        VALID_MAIN
            + "policies:\n  - policies/plant.yaml\ncommands:\n  operatorCa: pki/operators.pem\n");
    write("routes/telemetry.camel.yaml", VALID_ROUTE);
    write(
        "policies/plant.yaml",
        """
        telemetry:
          rules:
            - {id: boilers, devices: [boiler-*], action: allow, range: {min: 0, max: 120, outside: flag}, rate: {perMinute: 120, burst: 10}, round: 1, redact: [unit]}
        commands:
          rules:
            - {id: setpoints, devices: [boiler-1], tags: [temperature], roles: [operator], range: {max: 90}}
        """);
    write("pki/operators.pem", OPERATOR_CA_PEM);

    GatewayConfig config = load();

    assertThat(config.policy()).isPresent();
    assertThat(config.policy().get().coversDevice("boiler-1")).isTrue();
    assertThat(config.policy().get().coversDevice("pump-1")).isFalse();
    assertThat(config.policy().get().size()).isEqualTo(2);
    // development: what no rule matches leaves unless a policy file says "default: deny"
    assertThat(config.policy().get().telemetryAllowedByDefault()).isTrue();
    assertThat(config.commands().orElseThrow().operatorCas()).hasSize(1);
    assertThat(config.commands().orElseThrow().maxValidity()).isEqualTo(Duration.ofMinutes(15));
  }
}
