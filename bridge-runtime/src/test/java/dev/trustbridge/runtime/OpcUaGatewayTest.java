package dev.trustbridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.trustbridge.adapters.opcua.OpcUaApplicationIdentity;
import dev.trustbridge.runtime.cli.TrustBridgeCli;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.observe.TrustBridgeMetrics;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.broker.EmbeddedBrokerExtension;
import dev.trustbridge.sim.opcua.OpcUaSimulator;
import dev.trustbridge.sim.opcua.OpcUaSimulatorExtension;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.envelope.EnvelopeContent;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.VerificationResult;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPC UA telemetry over real sockets: the OPC UA simulator → gateway (trustbridge.yaml with {@code
 * protocol: opcua} devices, YAML routes) with SignAndEncrypt on each RSA policy and each user token
 * → embedded broker with mutual TLS → an independent subscriber that verifies the envelopes.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class OpcUaGatewayTest {

  @RegisterExtension
  static final OpcUaSimulatorExtension LINE =
      OpcUaSimulatorExtension.fromYaml(
          """
          name: it-line
          tick: 100ms
          security:
            policies: [Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss]
            modes: [SignAndEncrypt]
            users:
              - {username: gateway, password: "line pass 7"}
            userCertificates: true
          nodes:
            - folder: Filler
              nodes:
                - {variable: Speed, type: Double, value: {constant: 21.5}}
                - {variable: Bottles, type: UInt32, value: {counter: {start: 1, increment: 1}}}
          """);

  private static final List<String> SECURED_DEVICES =
      List.of("filler-basic", "filler-aes128", "filler-aes256", "filler-x509");

  @TempDir Path configDirectory;
  private final EmbeddedBroker broker;
  private final DevelopmentPki pki;
  private Gateway gateway;
  private Mqtt5BlockingClient observer;

  OpcUaGatewayTest(EmbeddedBroker broker, DevelopmentPki pki) {
    this.broker = broker;
    this.pki = pki;
  }

  @BeforeEach
  void startGateway() throws Exception {
    OpcUaSimulator simulator = LINE.simulator();
    writeUserCertificate(simulator);
    Files.writeString(configDirectory.resolve("opcua-password"), "line pass 7\n");
    IssuedCertificate identity = pki.gatewayIdentity("it-gw", "it-site");
    String device =
        """
          - id: %s
            protocol: opcua
            endpoint: %s
            security: {policy: %s, mode: SignAndEncrypt}
            trust:
              thumbprints: ["%s"]
            pollInterval: 200ms
        %s
            tags:
              - {name: speed, nodeId: "%s", samplingInterval: 100ms, unit: bpm}
              - {name: bottles, nodeId: "%s", mode: poll}
        """;
    String url = simulator.endpointUrl();
    String sha256 = simulator.certificateSha256();
    String speed = simulator.nodeId("Filler/Speed");
    String bottles = simulator.nodeId("Filler/Bottles");
    Files.writeString(
        configDirectory.resolve(ConfigLoader.MAIN_FILE),
        """
        site: it-site
        gateway: it-gw
        security:
          mode: development
        vault:
          type: software
          keyStore: %s
          password: ${file:%s}
          alias: %s
        uplinks:
          - id: cloud
            server: %s
            tls:
              caCertificate: %s
        devices:
        """
                .formatted(
                    identity.keyStoreFile(),
                    pki.passwordFile(),
                    identity.name(),
                    broker.tlsServerUri(),
                    pki.caCertificateFile())
            + device.formatted("filler-basic", url, "Basic256Sha256", sha256, "", speed, bottles)
            + device.formatted(
                "filler-aes128", url, "Aes128_Sha256_RsaOaep", sha256, "", speed, bottles)
            + device.formatted(
                "filler-aes256",
                url,
                "Aes256_Sha256_RsaPss",
                sha256,
                "    user: {username: gateway, password: \"${file:opcua-password}\"}",
                speed,
                bottles)
            + device.formatted(
                "filler-x509",
                url,
                "Basic256Sha256",
                sha256,
                "    user: {certificate: user.crt, privateKey: \"${file:user.key}\"}",
                speed,
                bottles)
            + device.formatted(
                "filler-swapped",
                url,
                "Basic256Sha256",
                sha256,
                "    fingerprint: {applicationUri: \"urn:trustbridge:sim:another-line\"}",
                speed,
                bottles));
    StringBuilder routes = new StringBuilder();
    for (String id :
        List.of(
            "filler-basic", "filler-aes128", "filler-aes256", "filler-x509", "filler-swapped")) {
      routes.append(
          """
          - route:
              id: %s-telemetry
              from:
                uri: opcua:%s
                steps:
                  - to:
                      uri: mqtt:cloud
          """
              .formatted(id, id));
    }
    Files.createDirectories(configDirectory.resolve(ConfigLoader.ROUTES_DIRECTORY));
    Files.writeString(
        configDirectory.resolve(ConfigLoader.ROUTES_DIRECTORY).resolve("telemetry.camel.yaml"),
        routes.toString());

    observer = observer();
    gateway = Gateway.start(new ConfigLoader(Map.of()).load(configDirectory));
    // the gateway creates its application certificate on first start; the line then trusts it, as
    // its administrator would, and the gateway's next attempt succeeds
    simulator.trustClientCertificate(
        OpcUaApplicationIdentity.publishedCertificate(configDirectory.resolve("state"))
            .orElseThrow());
  }

  private void writeUserCertificate(OpcUaSimulator simulator) throws Exception {
    KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate certificate =
        new SelfSignedCertificateBuilder(keys)
            .setCommonName("it gateway user")
            .setApplicationUri("urn:trustbridge:it:user")
            .build();
    simulator.trustUserCertificate(certificate);
    try (JcaPEMWriter pem =
        new JcaPEMWriter(Files.newBufferedWriter(configDirectory.resolve("user.crt")))) {
      pem.writeObject(certificate);
    }
    try (JcaPEMWriter pem =
        new JcaPEMWriter(Files.newBufferedWriter(configDirectory.resolve("user.key")))) {
      pem.writeObject(keys.getPrivate());
    }
  }

  @AfterEach
  void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
    if (observer != null) {
      observer.disconnect();
    }
  }

  @Test
  void eachPolicyAndUserToken_deliverVerifiedValues_swappedDeviceDeliversNothing()
      throws Exception {
    EnvelopeVerifier verifier = EnvelopeVerifier.create(List.of(pki.caCertificate()));
    Map<String, EnvelopeContent> withSpeed = new HashMap<>();
    Map<String, EnvelopeContent> withBottles = new HashMap<>();
    try (Mqtt5Publishes publishes = subscribe("tb/v1/it-site/it-gw/+/telemetry")) {
      while (withSpeed.size() < SECURED_DEVICES.size()
          || withBottles.size() < SECURED_DEVICES.size()) {
        Optional<Mqtt5Publish> publish = publishes.receive(15, TimeUnit.SECONDS);
        assertThat(publish)
            .as(
                "telemetry of every device; so far speed from %s, bottles from %s",
                withSpeed.keySet(), withBottles.keySet())
            .isPresent();
        VerificationResult result = verifier.verify(publish.get().getPayloadAsBytes());
        assertThat(result).isInstanceOf(VerificationResult.Verified.class);
        EnvelopeContent envelope = ((VerificationResult.Verified) result).content();
        assertThat(envelope.stream().device()).isNotEqualTo("filler-swapped");
        sample(envelope, "speed")
            .ifPresent(s -> withSpeed.put(envelope.stream().device(), envelope));
        sample(envelope, "bottles")
            .ifPresent(s -> withBottles.put(envelope.stream().device(), envelope));
      }
    }

    for (String device : SECURED_DEVICES) {
      EnvelopeSample speed = sample(withSpeed.get(device), "speed").orElseThrow();
      assertThat(speed.quality()).as(device).isEqualTo("GOOD");
      assertThat(speed.value()).as(device).isEqualTo(21.5);
      assertThat(speed.unit()).isEqualTo("bpm");
      EnvelopeSample bottles = sample(withBottles.get(device), "bottles").orElseThrow();
      assertThat(bottles.quality()).as(device).isEqualTo("GOOD");
      assertThat((Long) bottles.value()).as(device).isPositive();
    }
    MeterRegistry registry = TrustBridgeMetrics.of(gateway.camelContext()).orElseThrow().registry();
    for (String device : SECURED_DEVICES) {
      assertThat(
              registry
                  .get("trustbridge.device.connected")
                  .tag("device", device)
                  .tag("protocol", "opcua")
                  .gauge()
                  .value())
          .as(device + " connected")
          .isEqualTo(1.0);
    }
    assertThat(
            registry
                .get("trustbridge.certificate.expiry")
                .tag("certificate", "opcua-client")
                .gauge()
                .value())
        .as("seconds until the OPC UA application certificate expires")
        .isGreaterThan(300 * 24 * 3600.0);
  }

  @Test
  void trustCommand_byThumbprint_writesTheServersCertificateIntoTheDevicesTrustDirectory() {
    OpcUaSimulator simulator = LINE.simulator();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        TrustBridgeCli.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(
                "opcua",
                "trust",
                "--config",
                configDirectory.toString(),
                "--device",
                "filler-basic",
                "--thumbprint",
                simulator.certificateSha256().toUpperCase());

    assertThat(exit).as(err.toString()).isZero();
    Path written =
        configDirectory
            .resolve("pki/opcua/filler-basic")
            .resolve(simulator.certificateSha256().substring(0, 16) + ".der");
    assertThat(written).exists();
    assertThat(out.toString())
        .contains(
            "sha256:         " + simulator.certificateSha256(),
            "applicationUri: " + simulator.applicationUri(),
            "trusted for device filler-basic: written to " + written);
  }

  @Test
  void trustCommand_wrongThumbprint_trustsNothingAndListsWhatTheServerPresents() {
    OpcUaSimulator simulator = LINE.simulator();
    StringWriter err = new StringWriter();

    int exit =
        TrustBridgeCli.commandLine()
            .setOut(new PrintWriter(new StringWriter()))
            .setErr(new PrintWriter(err))
            .execute(
                "opcua",
                "trust",
                "--config",
                configDirectory.toString(),
                "--device",
                "filler-basic",
                "--thumbprint",
                "00".repeat(32));

    assertThat(exit).isEqualTo(TrustBridgeCli.EXIT_FAILURE);
    assertThat(err.toString())
        .contains(
            "presents no certificate with sha256=" + "00".repeat(32),
            "sha256=" + simulator.certificateSha256());
    assertThat(configDirectory.resolve("pki/opcua/filler-basic")).doesNotExist();
  }

  private static Optional<EnvelopeSample> sample(EnvelopeContent envelope, String tag) {
    return envelope.samples().stream().filter(s -> s.tag().equals(tag)).findFirst();
  }

  private Mqtt5Publishes subscribe(String filter) {
    Mqtt5Publishes publishes = observer.publishes(MqttGlobalPublishFilter.ALL);
    observer.subscribeWith().topicFilter(filter).send();
    return publishes;
  }

  private Mqtt5BlockingClient observer() {
    return GatewayRig.observer(broker, pki, "opcua-observer");
  }
}
