package dev.trustbridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.policy.verify.VerifyEnvelope;
import dev.trustbridge.runtime.attest.GatewayMeasurements;
import dev.trustbridge.runtime.cli.TrustBridgeCli;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.runtime.health.VaultHealthCheck;
import dev.trustbridge.runtime.observe.TrustBridgeMetrics;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.broker.EmbeddedBrokerExtension;
import dev.trustbridge.sim.modbus.ModbusSimulatorExtension;
import dev.trustbridge.sim.modbus.SimulatedDevice;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.trust.attest.AttestationEvidence.Level;
import dev.trustbridge.trust.attest.AttestationVerifier;
import dev.trustbridge.trust.attest.AttestationVerifier.Verdict;
import dev.trustbridge.trust.attest.GoldenSet;
import dev.trustbridge.trust.envelope.EnvelopeContent;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.VerificationResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole telemetry path over real sockets: Modbus simulator → gateway (configuration and YAML
 * routes from files) → embedded broker with mutual TLS, the gateway's key in its vault → an
 * independent MQTT subscriber. Each subclass puts the key in another vault.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
abstract class GatewayIntegrationTest {

  @RegisterExtension
  static final ModbusSimulatorExtension PLANT =
      ModbusSimulatorExtension.fromYaml(
          """
          tick: 100ms
          devices:
            - id: line-1
              unitId: 5
              points:
                - {table: holdingRegister, address: 0, type: float32, wordOrder: littleEndian, value: {constant: 21.5}}
                - {table: inputRegister, address: 10, type: int16, value: {constant: 215}}
                - {table: inputRegister, address: 11, type: uint16, value: {constant: 1450}}
                - {table: coil, address: 0, type: bool, value: {constant: true}}
            - id: line-2
              points:
                - {table: inputRegister, address: 0, type: int32, value: {constant: -100000}}
          """);

  private static final String ROUTES =
      """
      - route:
          id: line-1-telemetry
          from:
            uri: modbus:line-1
            steps:
              - to:
                  uri: mqtt:cloud
      - route:
          id: line-2-telemetry
          from:
            uri: modbus:line-2
            parameters:
              reconnectDelay: 100
              maxReconnectDelay: 300
            steps:
              - to:
                  uri: mqtt:cloud
                  parameters:
                    topic: tb/v1/{site}/{gateway}/{device}/telemetry
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path configDirectory;
  private final EmbeddedBroker broker;
  private final DevelopmentPki pki;
  private Gateway gateway;
  private GatewayConfig config;
  private Mqtt5BlockingClient observer;
  private EnvelopeVerifier verifier;

  GatewayIntegrationTest(EmbeddedBroker broker, DevelopmentPki pki) {
    this.broker = broker;
    this.pki = pki;
  }

  /** The security mode and vault sections of trustbridge.yaml, with an enrolled identity. */
  abstract String securityAndVault(DevelopmentPki pki) throws Exception;

  /** Whether the vault of this test keeps the key in hardware. */
  abstract boolean hardwareVault();

  @BeforeEach
  void startGateway() throws Exception {
    Files.writeString(
        configDirectory.resolve(ConfigLoader.MAIN_FILE),
        """
        site: it-site
        gateway: it-gw
        devices:
          - id: line-1
            protocol: modbus
            endpoint: 127.0.0.1:${env:LINE1_PORT}
            unitId: 5
            pollInterval: 200ms
            tags:
              - {name: temperature, table: holdingRegister, address: 0, type: float32, wordOrder: lowFirst, unit: degC}
              - {name: pressure, table: inputRegister, address: 10, type: int16, scale: 0.1, unit: bar}
              - {name: speed, table: inputRegister, address: 11, type: uint16, unit: rpm}
              - {name: running, table: coil, address: 0}
          - id: line-2
            protocol: modbus
            endpoint: 127.0.0.1:${env:LINE2_PORT}
            pollInterval: 200ms
            timeout: 500ms
            tags:
              - {name: energy, table: inputRegister, address: 0, type: int32, unit: Wh}
        uplinks:
          - id: cloud
            server: ${env:BROKER}
            tls:
              caCertificate: ${env:CA}
        policies:
          - policies/telemetry.yaml
        """
            + securityAndVault(pki));
    Files.createDirectories(configDirectory.resolve("policies"));
    Files.writeString(
        configDirectory.resolve("policies/telemetry.yaml"),
        """
        telemetry:
          rules:
            - id: lines
              devices: [line-*]
              action: allow
        """);
    Files.createDirectories(configDirectory.resolve(ConfigLoader.ROUTES_DIRECTORY));
    Files.writeString(
        configDirectory.resolve(ConfigLoader.ROUTES_DIRECTORY).resolve("telemetry.camel.yaml"),
        ROUTES);
    Map<String, String> environment = new HashMap<>();
    environment.put("LINE1_PORT", String.valueOf(PLANT.device("line-1").port()));
    environment.put("LINE2_PORT", String.valueOf(PLANT.device("line-2").port()));
    environment.put("BROKER", broker.tlsServerUri());
    environment.put("CA", pki.caCertificateFile().toString());

    observer = observer();
    verifier = EnvelopeVerifier.create(List.of(pki.caCertificate()));
    config = new ConfigLoader(environment).load(configDirectory);
    gateway = Gateway.start(config);
  }

  @AfterEach
  void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (observer != null) {
      observer.disconnect();
    }
  }

  @Test
  void telemetry_arrivesAsVerifiedEnvelopes_withExactValues() throws Exception {
    try (Mqtt5Publishes publishes = subscribe("tb/v1/it-site/it-gw/+/telemetry")) {
      Map<String, EnvelopeContent> byDevice = new HashMap<>();
      while (byDevice.size() < 2) {
        Mqtt5Publish publish = next(publishes);
        assertThat(publish.getContentType().map(Object::toString))
            .contains("application/jose+json");
        EnvelopeContent envelope = verified(publish);
        String device = envelope.stream().device();
        assertThat(publish.getTopic().toString())
            .isEqualTo("tb/v1/it-site/it-gw/" + device + "/telemetry");
        assertThat(envelope.stream().site()).isEqualTo("it-site");
        assertThat(envelope.stream().gateway()).isEqualTo("it-gw");
        byDevice.putIfAbsent(device, envelope);
      }

      EnvelopeContent line1 = byDevice.get("line-1");
      assertThat(sample(line1, "temperature").value()).isEqualTo(21.5);
      assertThat(sample(line1, "temperature").unit()).isEqualTo("degC");
      assertThat(sample(line1, "pressure").value()).isEqualTo(21.5);
      assertThat(sample(line1, "speed").value()).isEqualTo(1450L);
      assertThat(sample(line1, "running").value()).isEqualTo(true);
      assertThat(line1.samples()).allMatch(sample -> sample.quality().equals("GOOD"));
      assertThat(sample(byDevice.get("line-2"), "energy").value()).isEqualTo(-100000L);
    }
  }

  @Test
  void verifyCommand_onSharedSubscription_verifiesLiveEnvelopes() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exitCode =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                TrustBridgeCli.commandLine()
                    .setOut(new PrintWriter(out))
                    .setErr(new PrintWriter(err))
                    .execute(
                        "verify",
                        "--broker",
                        broker.tlsServerUri(),
                        "--trust-root",
                        pki.caCertificateFile().toString(),
                        "--broker-ca",
                        pki.caCertificateFile().toString(),
                        "--client-keystore",
                        pki.clientCertificate("verifier").keyStoreFile().toString(),
                        "--client-keystore-password-file",
                        pki.passwordFile().toString(),
                        "--topic",
                        "tb/v1/it-site/it-gw/+/telemetry",
                        "--share",
                        "verifiers",
                        "--count",
                        "6",
                        "--json"));

    assertThat(exitCode).as(err.toString()).isZero();
    assertThat(out.toString().lines())
        .hasSize(6)
        .allMatch(
            line ->
                line.startsWith(
                    "{\"result\":\"VERIFIED\",\"site\":\"it-site\",\"gateway\":\"it-gw\""));
    assertThat(err.toString()).contains("summary: 6 envelopes, 0 failed");
  }

  @Test
  void exampleVerifierRoute_writesVerifiedEnvelopesAsJsonLines(@TempDir Path verified)
      throws Exception {
    CamelContext cloud = new DefaultCamelContext();
    try {
      MqttComponent mqtt = new MqttComponent();
      mqtt.setSiteId("cloud");
      mqtt.setGatewayId("verifier");
      mqtt.addUplink(
          UplinkSettings.builder("cloud", broker.tlsServerUri())
              .caCertificateFile(pki.caCertificateFile())
              .clientKey(
                  pki.keyManagerFactory(pki.clientCertificate("route-verifier")), "route-verifier")
              .gatewayStatus(false)
              .build());
      cloud.addComponent("mqtt", mqtt);
      cloud
          .getRegistry()
          .bind(
              "verifyEnvelope",
              new VerifyEnvelope(EnvelopeVerifier.create(List.of(pki.caCertificate()))));
      cloud.getPropertiesComponent().addInitialProperty("verified.directory", verified.toString());
      PluginHelper.getRoutesLoader(cloud)
          .loadRoutes(
              ResourceHelper.resolveMandatoryResource(
                  cloud, "classpath:dev/trustbridge/policy/examples/verify-telemetry.camel.yaml"));
      cloud.start();

      Path lines = verified.resolve("telemetry.jsonl");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(lines) && Files.readAllLines(lines).size() >= 4);
      assertThat(Files.readAllLines(lines))
          .allMatch(line -> line.startsWith("{\"result\":\"VERIFIED\",\"site\":\"it-site\""));
    } finally {
      cloud.stop();
    }
  }

  @Test
  void consecutiveEnvelopes_ofOneDevice_formAnUnbrokenChain() throws Exception {
    try (Mqtt5Publishes publishes = subscribe("tb/v1/it-site/it-gw/line-1/telemetry")) {
      EnvelopeContent first = verified(next(publishes));
      EnvelopeContent second = verified(next(publishes));

      assertThat(second.seq()).isEqualTo(first.seq() + 1);
      assertThat(second.prev()).contains(first.hash());
    }
  }

  @Test
  void attestation_answersAChallenge_verifiesAgainstGoldenAtTheVaultsLevel() throws Exception {
    AttestationVerifier verifier =
        new AttestationVerifier(
            EnvelopeVerifier.create(List.of(pki.caCertificate())),
            GoldenSet.of(new GatewayMeasurements().measure(config)),
            Duration.ofMinutes(5),
            Clock.systemUTC());
    byte[] nonce = new byte[32];
    new SecureRandom().nextBytes(nonce);
    try (Mqtt5Publishes publishes = subscribe("tb/v1/it-site/it-gw/$attestation")) {
      observer
          .publishWith()
          .topic("tb/v1/it-site/it-gw/$attestation/challenge")
          .payload(nonce)
          .send();
      Verdict verdict;
      do {
        verdict = verifier.verify(next(publishes).getPayloadAsBytes(), Optional.of(nonce));
      } while (verdict.problems().stream().anyMatch(p -> p.startsWith("nonce:")));

      assertThat(verdict.trusted()).as(verdict.summary()).isTrue();
      assertThat(verdict.level()).contains(hardwareVault() ? Level.TPM : Level.SOFTWARE);
    }
  }

  @Test
  void gatewayStatus_becomesRetainedOnline() throws Exception {
    try (Mqtt5Publishes publishes = subscribe("tb/v1/it-site/it-gw/$status")) {
      // a retained "offline" of an earlier gateway run may come first
      String state = "";
      for (int i = 0; i < 3 && !state.equals("online"); i++) {
        state = JSON.readTree(next(publishes).getPayloadAsBytes()).get("state").asText();
      }
      assertThat(state).isEqualTo("online");
    }
    try (Mqtt5Publishes retained = subscribe("tb/v1/it-site/it-gw/$status")) {
      Mqtt5Publish status = next(retained);
      assertThat(status.isRetain()).isTrue();
      assertThat(JSON.readTree(status.getPayloadAsBytes()).get("state").asText())
          .isEqualTo("online");
    }
  }

  @Test
  void vaultHealth_reportsWhereTheIdentityLives() {
    HealthCheck.Result vault =
        HealthCheckRegistry.get(gateway.camelContext())
            .getCheck(VaultHealthCheck.ID)
            .orElseThrow(() -> new AssertionError("no vault health check registered"))
            .call();

    assertThat(vault.getState()).isEqualTo(HealthCheck.State.UP);
    assertThat(vault.getDetails())
        .containsEntry("vault.hardware", hardwareVault())
        .containsEntry("identity.exportable", !hardwareVault())
        .containsEntry("identity.enrolled", true);
    assertThat(vault.getMessage().isPresent()).isEqualTo(!hardwareVault());
  }

  @Test
  void vaultMetrics_timeTheVaultsSignatures_underItsBackend() {
    MeterRegistry registry =
        TrustBridgeMetrics.of(gateway.camelContext())
            .orElseThrow(() -> new AssertionError("no metrics bound"))
            .registry();

    Timer signatures = registry.get("trustbridge.vault.operation").timer();

    assertThat(signatures.getId().getTag("backend"))
        .isEqualTo(hardwareVault() ? "pkcs11" : "software");
    assertThat(signatures.count()).as("session-key certifications").isGreaterThanOrEqualTo(1);
    assertThat(signatures.max(TimeUnit.MILLISECONDS)).isPositive();
  }

  @Test
  void deviceStoppedThenRestarted_publishesBadThenGoodQuality() throws Exception {
    SimulatedDevice line2 = PLANT.device("line-2");
    try (Mqtt5Publishes publishes = subscribe("tb/v1/it-site/it-gw/line-2/telemetry")) {
      assertThat(sample(verified(next(publishes)), "energy").quality()).isEqualTo("GOOD");

      line2.stop();
      EnvelopeSample bad = awaitQuality(publishes, "BAD");
      assertThat(bad.value()).isNull();

      line2.start();
      EnvelopeSample good = awaitQuality(publishes, "GOOD");
      assertThat(good.value()).isEqualTo(-100000L);
    }
  }

  private EnvelopeSample awaitQuality(Mqtt5Publishes publishes, String quality) throws Exception {
    for (int i = 0; i < 100; i++) {
      EnvelopeSample energy = sample(verified(next(publishes)), "energy");
      if (energy.quality().equals(quality)) {
        return energy;
      }
    }
    throw new AssertionError("no " + quality + " sample among 100 envelopes");
  }

  /** The content of an envelope that the cloud-side verifier accepts, checked against the CA. */
  private EnvelopeContent verified(Mqtt5Publish publish) {
    VerificationResult result = verifier.verify(publish.getPayloadAsBytes());
    assertThat(result).as(String.valueOf(result)).isInstanceOf(VerificationResult.Verified.class);
    return ((VerificationResult.Verified) result).content();
  }

  private static EnvelopeSample sample(EnvelopeContent envelope, String tag) {
    return envelope.samples().stream()
        .filter(sample -> sample.tag().equals(tag))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample of tag " + tag + " in " + envelope));
  }

  private static Mqtt5Publish next(Mqtt5Publishes publishes) throws InterruptedException {
    Optional<Mqtt5Publish> publish = publishes.receive(10, TimeUnit.SECONDS);
    assertThat(publish).as("a message within 10 s").isPresent();
    return publish.get();
  }

  private Mqtt5Publishes subscribe(String filter) {
    Mqtt5Publishes publishes = observer.publishes(MqttGlobalPublishFilter.ALL);
    observer.subscribeWith().topicFilter(filter).send();
    return publishes;
  }

  private Mqtt5BlockingClient observer() {
    return GatewayRig.observer(broker, pki, "it-observer");
  }
}
