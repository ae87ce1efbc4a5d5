package dev.trustbridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObjectJSON;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.X509CertUtils;
import dev.trustbridge.policy.command.Command;
import dev.trustbridge.policy.command.CommandFormat;
import dev.trustbridge.policy.rules.DecisionCount;
import dev.trustbridge.runtime.cli.TrustBridgeCli;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.broker.EmbeddedBrokerExtension;
import dev.trustbridge.sim.modbus.ModbusSimulatorExtension;
import dev.trustbridge.sim.modbus.SimulatedDevice;
import dev.trustbridge.sim.modbus.Table;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.envelope.EnvelopeContent;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.VerificationResult;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed commands over real sockets: an operator client publishes a command to the embedded broker
 * with mutual TLS, the gateway checks it and writes the Modbus simulator, and the signed result
 * comes back on {@code …/cmd/result}. Every refusal leaves the device as it was.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class CommandIntegrationTest {

  @RegisterExtension
  static final ModbusSimulatorExtension PLANT =
      ModbusSimulatorExtension.fromYaml(
          """
          tick: 100ms
          devices:
            - id: valve-1
              points:
                - {table: holdingRegister, address: 0, type: float32, wordOrder: littleEndian, value: {constant: 20.0}}
                - {table: holdingRegister, address: 2, type: int16, value: {constant: 215}}
                - {table: holdingRegister, address: 3, type: uint16, value: {constant: 100}}
                - {table: holdingRegister, address: 4, type: uint16, value: {constant: 7}}
                - {table: inputRegister, address: 0, type: uint16, value: {constant: 55}}
                - {table: coil, address: 0, type: bool, value: {constant: false}}
          """);

  private static final String MAIN =
      """
      site: cmd-site
      gateway: cmd-gw
      security:
        mode: development
      devices:
        - id: valve-1
          protocol: modbus
          endpoint: 127.0.0.1:%d
          pollInterval: 200ms
          tags:
            - {name: setpoint, table: holdingRegister, address: 0, type: float32, wordOrder: lowFirst}
            - {name: flow, table: holdingRegister, address: 2, type: int16, scale: 0.1}
            - {name: speed, table: holdingRegister, address: 3, type: uint16}
            - {name: recipe, table: holdingRegister, address: 4, type: uint16}
            - {name: level, table: inputRegister, address: 0}
            - {name: open, table: coil, address: 0}
      uplinks:
        - id: cloud
          server: %s
          tls:
            caCertificate: %s
      policies:
        - policies/valves.yaml
      commands:
        operatorCa: operator-ca.pem
        maxValidity: 10m
      vault:
        type: software
        keyStore: %s
        password: ${file:%s}
        alias: %s
      """;

  private static final String POLICY =
      """
      telemetry:
        rules:
          - id: no-recipes
            tags: [recipe]
            action: deny
          - id: valves
            devices: [valve-*]
            action: allow
      commands:
        rules:
          - id: operators-valve
            devices: [valve-*]
            tags: [setpoint, flow, open, level, recipe]
            roles: [operator]
            when: "!(tag == 'open' && value == true) || 'shift-lead' in roles"
            range: {min: 0, max: 80}
          - id: operators-speed
            devices: [valve-1]
            tags: [speed]
            roles: [operator]
            rate: {perMinute: 1, burst: 1}
      """;

  private static final String ROUTES =
      """
      - route:
          id: valve-telemetry
          from:
            uri: modbus:valve-1
            steps:
              - to:
                  uri: mqtt:cloud
      """;

  /** An operator CA apart from the fleet CA: the people who sign commands. */
  @TempDir static Path operatorPki;

  @TempDir Path config;
  private final EmbeddedBroker broker;
  private final DevelopmentPki pki;
  private final DevelopmentPki operators;
  private Gateway gateway;
  private Mqtt5BlockingClient console;
  private Mqtt5Publishes results;

  CommandIntegrationTest(EmbeddedBroker broker, DevelopmentPki pki) throws Exception {
    this.broker = broker;
    this.pki = pki;
    this.operators = DevelopmentPki.openOrCreate(operatorPki);
  }

  @BeforeEach
  void start() throws Exception {
    IssuedCertificate identity = pki.gatewayIdentity("cmd-gw", "cmd-site");
    Files.writeString(
        config.resolve(ConfigLoader.MAIN_FILE),
        MAIN.formatted(
            PLANT.device("valve-1").port(),
            broker.tlsServerUri(),
            pki.caCertificateFile(),
            identity.keyStoreFile(),
            pki.passwordFile(),
            identity.name()));
    Files.createDirectories(config.resolve("policies"));
    Files.writeString(config.resolve("policies/valves.yaml"), POLICY);
    Files.createDirectories(config.resolve(ConfigLoader.ROUTES_DIRECTORY));
    Files.writeString(config.resolve("routes/valve.camel.yaml"), ROUTES);
    Files.copy(operators.caCertificateFile(), config.resolve("operator-ca.pem"));
    PLANT.device("valve-1").setValue(Table.HOLDING_REGISTER, 0, 20.0f);
    PLANT.device("valve-1").setValue(Table.HOLDING_REGISTER, 2, 215);
    PLANT.device("valve-1").setBit(Table.COIL, 0, false);
    gateway = startGateway();
    console = console();
    results = console.publishes(MqttGlobalPublishFilter.ALL);
    console.subscribeWith().topicFilter("tb/v1/cmd-site/cmd-gw/+/cmd/result").send();
  }

  private Gateway startGateway() throws Exception {
    return Gateway.start(new ConfigLoader(Map.of()).load(config));
  }

  @AfterEach
  void stop() {
    if (results != null) {
      results.close();
    }
    if (console != null) {
      console.disconnect();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void permittedCommands_writeSimulatorRegistersAndCoil_andReturnDone() throws Exception {
    Operator alice = operator(operators, "alice", "operator", "shift-lead");

    JsonNode setpoint = send("valve-1", signed(alice, command("valve-1", "setpoint", 42.5)));
    JsonNode flow = send("valve-1", signed(alice, command("valve-1", "flow", 30.5)));
    JsonNode open = send("valve-1", signed(alice, command("valve-1", "open", true)));

    assertThat(setpoint.get("status").asText()).isEqualTo("done");
    assertThat(setpoint.get("answer").asText()).isEqualTo("function 16 wrote 2 registers at 0");
    assertThat(setpoint.get("rule").asText()).isEqualTo("operators-valve");
    assertThat(device().value(Table.HOLDING_REGISTER, 0)).isEqualTo(42.5f);
    assertThat(flow.get("status").asText()).isEqualTo("done");
    assertThat(flow.get("answer").asText()).isEqualTo("function 6 wrote 1 register at 2");
    assertThat(device().value(Table.HOLDING_REGISTER, 2)).isEqualTo(305);
    assertThat(open.get("status").asText()).isEqualTo("done");
    assertThat(device().bit(Table.COIL, 0)).isTrue();
    assertThat(gateway.policyDecisions())
        .contains(new DecisionCount("command", "operators-valve", "permitted", 3));
  }

  @Test
  void cmdSignThenSend_fromTheCommandLine_writesTheDeviceAndPrintsDone(@TempDir Path operator)
      throws Exception {
    Path keyStore = operators.operatorCertificate("alice", "operator").keyStoreFile();
    Path passwordFile = operators.passwordFile();
    Path command = operator.resolve("cmd.json");

    CliRun sign =
        cli(
            "cmd",
            "sign",
            "--key",
            keyStore.toString(),
            "--key-password-file",
            passwordFile.toString(),
            "--site",
            "cmd-site",
            "--gateway",
            "cmd-gw",
            "--device",
            "valve-1",
            "--tag",
            "setpoint",
            "--value",
            "44.5",
            "--valid-for",
            "2m",
            "-o",
            command.toString());
    CliRun send = cli("cmd", "send", "--config", config.toString(), command.toString());

    assertThat(sign.exitCode()).as(sign.err()).isZero();
    assertThat(send.exitCode()).as(send.err()).isZero();
    JsonNode result = new ObjectMapper().readTree(send.out());
    assertThat(result.get("status").asText()).isEqualTo("done");
    assertThat(result.get("device").asText()).isEqualTo("valve-1");
    assertThat(device().value(Table.HOLDING_REGISTER, 0)).isEqualTo(44.5f);
  }

  private record CliRun(int exitCode, String out, String err) {}

  private static CliRun cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        TrustBridgeCli.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }

  @Test
  void unsigned_isRefused() throws Exception {
    byte[] plain = CommandFormat.payload(command("valve-1", "setpoint", 50.0));

    assertRefused(send("valve-1", plain), "unsigned");
  }

  @Test
  void badSignature_isRefused() throws Exception {
    byte[] good =
        signed(operator(operators, "alice", "operator"), command("valve-1", "setpoint", 10.0));
    Map<String, Object> jws = JSONObjectUtils.parse(new String(good, StandardCharsets.UTF_8));
    jws.put(
        "payload",
        Base64URL.encode(CommandFormat.payload(command("valve-1", "setpoint", 70.0))).toString());

    assertRefused(
        send("valve-1", JSONObjectUtils.toJSONString(jws).getBytes(StandardCharsets.UTF_8)),
        "bad-signature");
  }

  @Test
  void signerOfAnotherCa_isRefused(@TempDir Path otherPki) throws Exception {
    DevelopmentPki rogue = DevelopmentPki.openOrCreate(otherPki);

    assertRefused(
        send(
            "valve-1",
            signed(operator(rogue, "mallory", "operator"), command("valve-1", "setpoint", 50.0))),
        "unknown-ca");
  }

  @Test
  void expired_isRefused() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Command late =
        new Command(
            id(),
            "cmd-site",
            "cmd-gw",
            "valve-1",
            "setpoint",
            50.0,
            now.minusSeconds(120),
            now.minusSeconds(60));

    assertRefused(
        send("valve-1", signed(operator(operators, "alice", "operator"), late)), "expired");
  }

  @Test
  void notYetValid_isRefused() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Command early =
        new Command(
            id(),
            "cmd-site",
            "cmd-gw",
            "valve-1",
            "setpoint",
            50.0,
            now.plusSeconds(120),
            now.plusSeconds(180));

    assertRefused(
        send("valve-1", signed(operator(operators, "alice", "operator"), early)), "not-yet-valid");
  }

  @Test
  void replayed_isRefused_alsoAfterGatewayRestart() throws Exception {
    byte[] once =
        signed(operator(operators, "alice", "operator"), command("valve-1", "setpoint", 33.0));

    assertThat(send("valve-1", once).get("status").asText()).isEqualTo("done");
    device().setValue(Table.HOLDING_REGISTER, 0, 20.0f);
    assertRefused(send("valve-1", once), "replayed");

    gateway.close();
    gateway = startGateway();
    assertRefused(send("valve-1", once), "replayed");
  }

  @Test
  void roleNotGranted_isRefused() throws Exception {
    assertRefused(
        send(
            "valve-1",
            signed(operator(operators, "victor", "viewer"), command("valve-1", "setpoint", 50.0))),
        "role-not-granted");
  }

  @Test
  void conditionOnRoles_refusesOpeningWithoutShiftLead() throws Exception {
    assertRefused(
        send(
            "valve-1",
            signed(operator(operators, "alice", "operator"), command("valve-1", "open", true))),
        "not-permitted");
    assertThat(device().bit(Table.COIL, 0)).isFalse();
  }

  @Test
  void unknownDevice_isRefused() throws Exception {
    JsonNode result =
        send(
            "pump-9",
            signed(operator(operators, "alice", "operator"), command("pump-9", "speed", 5L)));

    assertThat(result.get("status").asText()).isEqualTo("refused");
    assertThat(result.get("reason").asText()).isEqualTo("unknown-device");
  }

  @Test
  void unknownTag_isRefused() throws Exception {
    assertRefused(
        send(
            "valve-1",
            signed(operator(operators, "alice", "operator"), command("valve-1", "nope", 5L))),
        "unknown-tag");
  }

  @Test
  void readOnlyTag_isRefused() throws Exception {
    assertRefused(
        send(
            "valve-1",
            signed(operator(operators, "alice", "operator"), command("valve-1", "level", 5L))),
        "read-only");
  }

  @Test
  void outOfRange_isRefused() throws Exception {
    assertRefused(
        send(
            "valve-1",
            signed(operator(operators, "alice", "operator"), command("valve-1", "setpoint", 95.0))),
        "out-of-range");
  }

  @Test
  void secondCommandWithinRate_isRateLimited() throws Exception {
    Operator alice = operator(operators, "alice", "operator");

    JsonNode first = send("valve-1", signed(alice, command("valve-1", "speed", 1200L)));
    device().setValue(Table.HOLDING_REGISTER, 0, 20.0f);
    JsonNode second = send("valve-1", signed(alice, command("valve-1", "speed", 1300L)));

    assertThat(first.get("status").asText()).isEqualTo("done");
    assertThat(device().value(Table.HOLDING_REGISTER, 3)).isEqualTo(1200);
    assertThat(second.get("reason").asText()).isEqualTo("rate-limited");
    assertThat(device().value(Table.HOLDING_REGISTER, 3)).isEqualTo(1200);
  }

  @Test
  void quarantinedGateway_refusesEveryCommand() throws Exception {
    gateway.setQuarantined(true);

    assertRefused(
        send(
            "valve-1",
            signed(operator(operators, "alice", "operator"), command("valve-1", "setpoint", 50.0))),
        "quarantined");
  }

  @Test
  void deniedTag_neverReachesTheBroker() throws Exception {
    EnvelopeVerifier verifier = EnvelopeVerifier.create(List.of(pki.caCertificate()));
    Mqtt5BlockingClient observer = console();
    try (Mqtt5Publishes telemetry = observer.publishes(MqttGlobalPublishFilter.ALL)) {
      observer.subscribeWith().topicFilter("tb/v1/cmd-site/cmd-gw/valve-1/telemetry").send();
      for (int i = 0; i < 3; i++) {
        Mqtt5Publish publish = nextOn(telemetry, "/telemetry");
        VerificationResult result = verifier.verify(publish.getPayloadAsBytes());
        assertThat(result).isInstanceOf(VerificationResult.Verified.class);
        EnvelopeContent envelope = ((VerificationResult.Verified) result).content();
        assertThat(envelope.samples())
            .extracting(s -> s.tag())
            .contains("setpoint", "speed")
            .doesNotContain("recipe");
      }
    }
    assertThat(gateway.policyDecisions())
        .anyMatch(
            c -> c.rule().equals("no-recipes") && c.result().equals("denied") && c.count() >= 3);
  }

  private void assertRefused(JsonNode result, String reason) {
    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("refused");
    assertThat(result.get("reason").asText()).as(result.toString()).isEqualTo(reason);
    assertThat(device().value(Table.HOLDING_REGISTER, 0)).isEqualTo(20.0f);
    assertThat(device().value(Table.HOLDING_REGISTER, 2)).isEqualTo(215);
    assertThat(device().bit(Table.COIL, 0)).isFalse();
  }

  /** An operator's key and chain, as a signing tool reads them from its PKCS#12 file. */
  private record Operator(PrivateKey key, List<X509Certificate> chain) {}

  private static Operator operator(DevelopmentPki issuer, String name, String... roles)
      throws Exception {
    IssuedCertificate issued = issuer.operatorCertificate(name, roles);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(issued.keyStoreFile())) {
      store.load(in, issuer.password());
    }
    List<X509Certificate> chain =
        Arrays.stream(store.getCertificateChain(name)).map(X509Certificate.class::cast).toList();
    return new Operator((PrivateKey) store.getKey(name, issuer.password()), chain);
  }

  private static SimulatedDevice device() {
    return PLANT.device("valve-1");
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  private static Command command(String device, String tag, Object value) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return new Command(
        id(), "cmd-site", "cmd-gw", device, tag, value, now.minusSeconds(5), now.plusSeconds(60));
  }

  private static byte[] signed(Operator operator, Command command) throws Exception {
    return CommandFormat.sign(
        command,
        new ECDSASigner((ECPrivateKey) operator.key()),
        JWSAlgorithm.ES256,
        operator.chain());
  }

  /**
   * Publishes the command and returns the payload of its result, after checking the result's
   * signature. The gateway subscribes in the background after it starts, so a command that gets no
   * result within a few seconds is published again; results of other ids are skipped.
   */
  private JsonNode send(String device, byte[] message) throws Exception {
    String id = idOf(message);
    for (int attempt = 0; attempt < 5; attempt++) {
      console
          .publishWith()
          .topic("tb/v1/cmd-site/cmd-gw/" + device + "/cmd")
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(message)
          .send();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(3));
      while (Instant.now().isBefore(deadline)) {
        Optional<Mqtt5Publish> publish = results.receive(200, TimeUnit.MILLISECONDS);
        if (publish.isEmpty()) {
          continue;
        }
        JsonNode result = verifiedResult(publish.get());
        if (result.get("id").asText(null) == null
            ? id == null
            : result.get("id").asText().equals(id)) {
          assertThat(publish.get().getTopic().toString())
              .isEqualTo("tb/v1/cmd-site/cmd-gw/" + device + "/cmd/result");
          return result;
        }
      }
    }
    throw new AssertionError("no result for command " + id + " within 15 s");
  }

  private static String idOf(byte[] message) throws Exception {
    Map<String, Object> json = JSONObjectUtils.parse(new String(message, StandardCharsets.UTF_8));
    byte[] payload =
        json.containsKey("payload")
            ? Base64URL.from((String) json.get("payload")).decode()
            : message;
    Object id = JSONObjectUtils.parse(new String(payload, StandardCharsets.UTF_8)).get("id");
    return (String) id;
  }

  private JsonNode verifiedResult(Mqtt5Publish publish) throws Exception {
    JWSObjectJSON jws =
        JWSObjectJSON.parse(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8));
    JWSObjectJSON.Signature signature = jws.getSignatures().get(0);
    List<X509Certificate> chain =
        signature.getHeader().getX509CertChain().stream()
            .map(link -> X509CertUtils.parse(link.decode()))
            .toList();
    assertThat(signature.getHeader().getType().getType()).isEqualTo(CommandFormat.RESULT_TYPE);
    assertThat(signature.verify(new ECDSAVerifier((ECPublicKey) chain.get(0).getPublicKey())))
        .isTrue();
    chain.get(chain.size() - 1).verify(pki.caCertificate().getPublicKey());
    return CommandFormat.readResult(publish.getPayloadAsBytes());
  }

  private static Mqtt5Publish nextOn(Mqtt5Publishes publishes, String suffix) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (Instant.now().isBefore(deadline)) {
      Optional<Mqtt5Publish> publish = publishes.receive(1, TimeUnit.SECONDS);
      if (publish.isPresent() && publish.get().getTopic().toString().endsWith(suffix)) {
        return publish.get();
      }
    }
    throw new AssertionError("no message on *" + suffix + " within 15 s");
  }

  private Mqtt5BlockingClient console() {
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("operator-console-" + System.nanoTime())
            .serverHost(EmbeddedBroker.HOST)
            .serverPort(broker.tlsPort())
            .sslConfig(
                MqttClientSslConfig.builder()
                    .keyManagerFactory(pki.keyManagerFactory("operator-console"))
                    .trustManagerFactory(pki.trustManagerFactory())
                    .build())
            .buildBlocking();
    client.connect();
    return client;
  }
}
