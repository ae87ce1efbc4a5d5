package dev.trustbridge.runtime.attest;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.trustbridge.runtime.Gateway;
import dev.trustbridge.runtime.GatewayRig;
import dev.trustbridge.runtime.cli.TrustBridgeCli;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.broker.EmbeddedBrokerExtension;
import dev.trustbridge.sim.modbus.ModbusSimulatorExtension;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.trust.attest.AttestationEvidence.Level;
import dev.trustbridge.trust.attest.AttestationVerifier;
import dev.trustbridge.trust.attest.AttestationVerifier.Verdict;
import dev.trustbridge.trust.attest.GoldenSet;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's attestation over the broker: evidence of a clean start verifies against the golden
 * set computed from the same installation, a challenge is answered with its nonce, and a route file
 * edited on disk is found at the next measurement, quarantines the gateway and is named by the
 * verifier.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class AttestationGatewayTest {

  @RegisterExtension static final ModbusSimulatorExtension PLANT = GatewayRig.plant();

  private static final String TOPIC =
      "tb/v1/" + GatewayRig.SITE + "/" + GatewayRig.GATEWAY + "/$attestation";

  @TempDir Path config;
  private final EmbeddedBroker broker;
  private final DevelopmentPki pki;
  private Gateway gateway;
  private Mqtt5BlockingClient observer;

  AttestationGatewayTest(EmbeddedBroker broker, DevelopmentPki pki) {
    this.broker = broker;
    this.pki = pki;
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (observer != null) {
      observer.disconnect();
    }
  }

  @Test
  void cleanStartTrusted_challengeAnswered_editedRouteQuarantinesAndIsNamed() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    GatewayRig.writeConfig(
        config,
        pki,
        "attestation:\n  interval: 1s\n  pcr: 16\nobservability:\n  port: " + port + "\n");
    GatewayConfig loaded =
        new ConfigLoader(GatewayRig.environment(PLANT, pki, broker.tlsServerUri())).load(config);
    // the release side: the same code, class path and configuration give the golden set
    Path golden = config.resolve("golden.json");
    GoldenSet.of(new GatewayMeasurements().measure(loaded)).write(golden);
    AttestationVerifier verifier =
        new AttestationVerifier(
            EnvelopeVerifier.create(List.of(pki.caCertificate())),
            GoldenSet.read(golden),
            Duration.ofMinutes(5),
            Clock.systemUTC());
    observer = observer();

    try (Mqtt5Publishes evidence = observer.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
      observer.subscribeWith().topicFilter(TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      gateway = Gateway.start(loaded);

      byte[] clean = next(evidence, bytes -> true);
      Verdict start = verifier.verify(clean, Optional.empty());
      assertThat(start.trusted()).as(start.summary()).isTrue();
      assertThat(start.level()).contains(Level.SOFTWARE);
      Path saved = config.resolve("evidence.jws");
      Files.write(saved, clean);
      assertThat(
              cli(
                  "verify",
                  "attestation",
                  "--golden",
                  golden,
                  "--trust-root",
                  pki.caCertificateFile(),
                  saved))
          .startsWith("0 TRUSTED level=software gateway=ob-site/ob-gw");

      byte[] nonce = new byte[32];
      new SecureRandom().nextBytes(nonce);
      observer
          .publishWith()
          .topic(TOPIC + "/challenge")
          .payload(nonce)
          .qos(MqttQos.AT_LEAST_ONCE)
          .send();
      byte[] answer =
          next(evidence, bytes -> verifier.verify(bytes, Optional.of(nonce)).problems().isEmpty());
      assertThat(verifier.verify(answer, Optional.of(nonce)).trusted()).isTrue();

      Files.writeString(
          config.resolve("routes/telemetry.camel.yaml"),
          "# edited on the gateway\n",
          StandardOpenOption.APPEND);
      byte[] drifted = next(evidence, bytes -> !verifier.verify(bytes, Optional.empty()).trusted());
      Verdict after = verifier.verify(drifted, Optional.empty());
      assertThat(after.differing())
          .singleElement()
          .asString()
          .startsWith("route:routes/telemetry.camel.yaml: sha256 ")
          .contains("is not golden");
      assertThat(gateway.isQuarantined()).isTrue();
      assertThat(gateway.attestation().hasDrifted()).isTrue();
      HttpResponse<String> ready = get(port, "/observe/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("trustbridge-trust-state").contains("quarantined");
      assertThat(get(port, "/observe/metrics").body())
          .contains("trustbridge_quarantined 1.0")
          .contains("trustbridge_integrity_drifted 1.0")
          .containsPattern("trustbridge_attestations_total\\{result=\"published\"\\} [1-9]");
    }
    gateway.close();
    gateway = null;

    // the audit log holds the story, signed; an edited line is found
    Path log = config.resolve("state/audit/audit.log");
    List<String> lines = Files.readAllLines(log);
    assertThat(lines)
        .anyMatch(line -> line.contains("\"type\":\"start\""))
        .anyMatch(line -> line.contains("\"type\":\"measured-start\""))
        .anyMatch(line -> line.contains("\"type\":\"drift\"") && line.contains("route:routes/"))
        .anyMatch(line -> line.contains("\"type\":\"quarantine\""));
    assertThat(lines.get(lines.size() - 1)).contains("\"type\":\"checkpoint\"");
    assertThat(cli("verify", "audit", "--trust-root", pki.caCertificateFile(), log))
        .startsWith("0 INTACT");
    lines.set(1, lines.get(1).replace("\"software\"", "\"tpm\""));
    Files.write(log, lines);
    assertThat(cli("verify", "audit", "--trust-root", pki.caCertificateFile(), log))
        .startsWith("1 audit.log:3: prev is not the hash of the line before")
        .contains("TAMPERED");
    {
    }
  }

  private static byte[] next(Mqtt5Publishes publishes, Predicate<byte[]> wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Optional<Mqtt5Publish> publish = publishes.receive(1, TimeUnit.SECONDS);
      // retained evidence of earlier gateways of the same name is not this gateway's
      if (publish.isPresent()
          && !publish.get().isRetain()
          && wanted.test(publish.get().getPayloadAsBytes())) {
        return publish.get().getPayloadAsBytes();
      }
    }
    throw new AssertionError("no such evidence on " + TOPIC + " within 60 s");
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String cli(Object... arguments) {
    StringWriter out = new StringWriter();
    int exit =
        TrustBridgeCli.commandLine()
            .setOut(new PrintWriter(out))
            .execute(
                java.util.Arrays.stream(arguments).map(String::valueOf).toArray(String[]::new));
    return exit + " " + out;
  }

  private Mqtt5BlockingClient observer() {
    return GatewayRig.observer(broker, pki, "attestation-observer");
  }
}
