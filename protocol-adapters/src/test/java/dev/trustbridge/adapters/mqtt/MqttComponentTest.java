package dev.trustbridge.adapters.mqtt;

import static dev.trustbridge.adapters.mqtt.MqttTestSupport.GATEWAY_KEY;
import static dev.trustbridge.adapters.mqtt.MqttTestSupport.SITE;
import static dev.trustbridge.adapters.mqtt.MqttTestSupport.component;
import static dev.trustbridge.adapters.mqtt.MqttTestSupport.next;
import static dev.trustbridge.adapters.mqtt.MqttTestSupport.observer;
import static dev.trustbridge.adapters.mqtt.MqttTestSupport.startedContext;
import static dev.trustbridge.adapters.mqtt.MqttTestSupport.subscribe;
import static dev.trustbridge.adapters.mqtt.MqttTestSupport.tlsUplink;
import static dev.trustbridge.adapters.mqtt.MqttTestSupport.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.SampleBatchFilter;
import dev.trustbridge.adapters.TrustBridgeHeaders;
import dev.trustbridge.adapters.json.JsonSampleBatchEncoder;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.broker.EmbeddedBrokerExtension;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(EmbeddedBrokerExtension.class)
class MqttComponentTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OTHER_PIN = "5a".repeat(32);
  private static final Instant T0 = Instant.parse("2026-11-27T10:15:30Z");
  private static final SampleBatch BATCH =
      new SampleBatch(
          "press-1",
          List.of(
              Sample.good("temperature", 21.5, T0, T0.plusMillis(3), "degC"),
              Sample.bad("pressure", T0, "bar")));

  private EmbeddedBroker broker;
  private DevelopmentPki pki;
  private String gateway;
  private final List<CamelContext> contexts = new ArrayList<>();
  private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp(EmbeddedBroker broker, DevelopmentPki pki) {
    this.broker = broker;
    this.pki = pki;
    this.gateway = uniqueGateway();
  }

  @AfterEach
  void tearDown() {
    contexts.forEach(CamelContext::stop);
    clients.stream()
        .filter(c -> c.getState().isConnected())
        .forEach(Mqtt5BlockingClient::disconnect);
  }

  @Test
  void sampleBatch_directToMqtt_arrivesOnDeviceTopicAsJson() throws Exception {
    Mqtt5Publishes received = subscribe(track(observer(broker, pki)), "tb/v1/" + SITE + "/#");
    CamelContext context =
        start(
            component(gateway, tlsUplink("cloud", broker, pki).build()),
            "direct:telemetry",
            "mqtt:cloud");

    Exchange exchange =
        context
            .createProducerTemplate()
            .send("direct:telemetry", e -> e.getMessage().setBody(BATCH));

    assertThat(exchange.getException()).isNull();
    Mqtt5Publish publish = nextOn(received, "tb/v1/site1/" + gateway + "/press-1/telemetry");
    assertThat(publish.getPayloadAsBytes()).isEqualTo(new JsonSampleBatchEncoder().encode(BATCH));
    assertThat(publish.getContentType())
        .hasValueSatisfying(type -> assertThat(type.toString()).isEqualTo("application/json"));
    assertThat(publish.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
    assertThat(publish.isRetain()).isFalse();
    JsonNode json = JSON.readTree(publish.getPayloadAsBytes());
    assertThat(json.get("deviceId").asText()).isEqualTo("press-1");
    assertThat(json.get("samples").get(0).get("value").asDouble()).isEqualTo(21.5);
  }

  @Test
  void sampleBatchFilter_publishesWhatItAdmits_completesEmptyBatchesAndRefusesRawBodies()
      throws Exception {
    Mqtt5Publishes received =
        subscribe(track(observer(broker, pki)), "tb/v1/" + SITE + "/" + gateway + "/+/telemetry");
    MqttComponent component = component(gateway, tlsUplink("cloud", broker, pki).build());
    component.setSampleBatchFilter(
        new SampleBatchFilter() {
          @Override
          public Optional<SampleBatch> admit(SampleBatch batch) {
            List<Sample> kept =
                batch.samples().stream().filter(s -> !s.tag().equals("pressure")).toList();
            return kept.isEmpty()
                ? Optional.empty()
                : Optional.of(new SampleBatch(batch.deviceId(), kept));
          }

          @Override
          public boolean admitsRawBodies() {
            return false;
          }
        });
    CamelContext context = start(component, "direct:telemetry", "mqtt:cloud");

    Exchange nothingLeft =
        context
            .createProducerTemplate()
            .send(
                "direct:telemetry",
                e ->
                    e.getMessage()
                        .setBody(
                            new SampleBatch(
                                "press-0", List.of(Sample.bad("pressure", T0, "bar")))));
    Exchange filtered =
        context
            .createProducerTemplate()
            .send("direct:telemetry", e -> e.getMessage().setBody(BATCH));
    Exchange raw =
        context
            .createProducerTemplate()
            .send("direct:telemetry", e -> e.getMessage().setBody("{}"));

    assertThat(nothingLeft.getException()).isNull();
    assertThat(filtered.getException()).isNull();
    Mqtt5Publish publish = next(received);
    assertThat(publish.getTopic().toString())
        .isEqualTo("tb/v1/site1/" + gateway + "/press-1/telemetry");
    JsonNode json = JSON.readTree(publish.getPayloadAsBytes());
    assertThat(json.get("samples")).hasSize(1);
    assertThat(json.get("samples").get(0).get("tag").asText()).isEqualTo("temperature");
    assertThat(raw.getException())
        .isInstanceOf(MqttUplinkException.class)
        .hasMessageContaining(
            "a telemetry policy is enforced: routes publish SampleBatch bodies only");
    assertThat(received.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
  }

  @Test
  void deviceHeader_overridesBodyDevice_andTopicOptionIsUsed() throws Exception {
    Mqtt5Publishes received = subscribe(track(observer(broker, pki)), "custom/#");
    CamelContext context =
        start(
            component(gateway, tlsUplink("cloud", broker, pki).build()),
            "direct:in",
            "mqtt:cloud?topic=custom/{gateway}/{device}/x&qos=0");

    context
        .createProducerTemplate()
        .sendBodyAndHeader("direct:in", "raw text", TrustBridgeHeaders.DEVICE_ID, "pump-7");

    Mqtt5Publish publish = next(received);
    assertThat(publish.getTopic().toString()).isEqualTo("custom/" + gateway + "/pump-7/x");
    assertThat(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8))
        .isEqualTo("raw text");
    assertThat(publish.getContentType()).isEmpty();
  }

  @Test
  void qos1Publish_exchangeCompletes_afterBrokerStoredTheMessage() throws Exception {
    CamelContext context =
        start(
            component(gateway, tlsUplink("cloud", broker, pki).build()),
            "direct:in",
            "mqtt:cloud?qos=1&retain=true");

    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));

    // a PUBACK means the broker has taken the message: a new subscriber gets it retained at once
    assertThat(exchange.getException()).isNull();
    Mqtt5Publishes late =
        subscribe(track(observer(broker, pki)), "tb/v1/site1/" + gateway + "/press-1/telemetry");
    Mqtt5Publish retained = late.receive(2, TimeUnit.SECONDS).orElseThrow();
    assertThat(retained.isRetain()).isTrue();
    assertThat(retained.getPayloadAsBytes()).isEqualTo(new JsonSampleBatchEncoder().encode(BATCH));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void singleTlsVersionUplink_publishes(String protocol) throws Exception {
    Mqtt5Publishes received =
        subscribe(track(observer(broker, pki)), "tb/v1/site1/" + gateway + "/+/telemetry");
    CamelContext context =
        start(
            component(gateway, tlsUplink("cloud", broker, pki).tlsProtocols(protocol).build()),
            "direct:in",
            "mqtt:cloud");

    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));

    assertThat(exchange.getException()).isNull();
    assertThat(next(received).getTopic().toString()).endsWith("/press-1/telemetry");
  }

  @Test
  void mqtt311Uplink_publishesAndSubscribes() throws Exception {
    Mqtt5Publishes received =
        subscribe(track(observer(broker, pki)), "tb/v1/site1/" + gateway + "/+/telemetry");
    UplinkSettings settings =
        tlsUplink("legacy", broker, pki).version(UplinkSettings.MqttVersion.MQTT_3_1_1).build();
    BlockingQueue<Exchange> commands = new LinkedBlockingQueue<>();
    MqttComponent component = component(gateway, settings);
    CamelContext context =
        startedContext(
            component,
            new RouteBuilder() {
              @Override
              public void configure() {
                from("direct:in").to("mqtt:legacy");
                from("mqtt:legacy?topic=tb/v1/{site}/{gateway}/+/cmd").process(commands::add);
              }
            });
    contexts.add(context);
    await().atMost(Duration.ofSeconds(10)).until(() -> component.isUplinkConnected("legacy"));

    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));
    Mqtt5Publish publish = next(received);
    Exchange command =
        publishUntilRouted(
            "tb/v1/site1/" + gateway + "/valve-2/cmd", new byte[] {1, 2}, null, commands);

    assertThat(exchange.getException()).isNull();
    assertThat(publish.getPayloadAsBytes()).isEqualTo(new JsonSampleBatchEncoder().encode(BATCH));
    assertThat(publish.getContentType()).isEmpty();
    assertThat(command.getMessage().getBody(byte[].class)).containsExactly(1, 2);
  }

  @Test
  void consumer_topicFilter_receivesMessageWithHeaders() throws Exception {
    BlockingQueue<Exchange> commands = new LinkedBlockingQueue<>();
    MqttComponent component = component(gateway, tlsUplink("cloud", broker, pki).build());
    contexts.add(
        startedContext(
            component,
            new RouteBuilder() {
              @Override
              public void configure() {
                from("mqtt:cloud?topic=tb/v1/{site}/{gateway}/#")
                    .routeId("commands")
                    .process(commands::add);
              }
            }));
    String topic = "tb/v1/site1/" + gateway + "/valve-2/cmd";

    Exchange command =
        publishUntilRouted(
            topic, "open".getBytes(StandardCharsets.UTF_8), "application/jose+json", commands);

    assertThat(command.getMessage().getBody()).isInstanceOf(byte[].class);
    assertThat(new String(command.getMessage().getBody(byte[].class), StandardCharsets.UTF_8))
        .isEqualTo("open");
    assertThat(command.getMessage().getHeader(MqttConstants.TOPIC)).isEqualTo(topic);
    assertThat(command.getMessage().getHeader(MqttConstants.QOS)).isEqualTo(1);
    assertThat(command.getMessage().getHeader(MqttConstants.RETAIN)).isEqualTo(false);
    assertThat(command.getMessage().getHeader(MqttConstants.CONTENT_TYPE))
        .isEqualTo("application/jose+json");
  }

  @Test
  void status_whileConnectedOnline_afterStopOfflineRetained() throws Exception {
    MqttComponent component = component(gateway, tlsUplink("cloud", broker, pki).build());
    CamelContext context = start(component, "direct:in", "mqtt:cloud");
    String statusTopic = "tb/v1/site1/" + gateway + "/$status";

    Mqtt5Publish online =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> retained(statusTopic), p -> p != null && state(p).equals("online"));
    assertThat(online.isRetain()).isTrue();
    JsonNode onlineJson = JSON.readTree(online.getPayloadAsBytes());
    assertThat(onlineJson.get("gateway").asText()).isEqualTo(gateway);
    assertThat(onlineJson.get("site").asText()).isEqualTo(SITE);
    assertThat(onlineJson.get("uplink").asText()).isEqualTo("cloud");

    context.stop();

    assertThat(component.isUplinkConnected("cloud")).isFalse();
    Mqtt5Publish offline = retained(statusTopic);
    assertThat(state(offline)).isEqualTo("offline");
    assertThat(JSON.readTree(offline.getPayloadAsBytes()).get("reason").asText())
        .isEqualTo("shutdown");
  }

  @Test
  void cloudSideClient_withoutGatewayStatus_leavesNoStatusOrWill() throws Exception {
    MqttComponent component =
        component(gateway, tlsUplink("cloud", broker, pki).gatewayStatus(false).build());
    CamelContext context = start(component, "direct:in", "mqtt:cloud");
    await().atMost(Duration.ofSeconds(10)).until(() -> component.isUplinkConnected("cloud"));
    Mqtt5Publishes status =
        subscribe(track(observer(broker, pki)), "tb/v1/site1/" + gateway + "/$status");

    // a takeover drops the connection: a client with a will would now publish it
    observer(broker, pki, gateway + "-cloud").disconnect();
    await().atMost(Duration.ofSeconds(10)).until(() -> component.isUplinkConnected("cloud"));
    context.stop();

    assertThat(status.receive(1, TimeUnit.SECONDS)).isEmpty();
    assertThat(retained("tb/v1/site1/" + gateway + "/$status")).isNull();
  }

  @Test
  void connectionLost_willPublishesOffline_thenReconnectPublishesOnline() throws Exception {
    MqttComponent component = component(gateway, tlsUplink("cloud", broker, pki).build());
    start(component, "direct:in", "mqtt:cloud");
    await().atMost(Duration.ofSeconds(10)).until(() -> component.isUplinkConnected("cloud"));
    assertThat(component.getUplinkReconnects("cloud")).isZero();
    Mqtt5Publishes status =
        subscribe(track(observer(broker, pki)), "tb/v1/site1/" + gateway + "/$status");
    assertThat(state(next(status))).isEqualTo("online");

    // a client that takes over the uplink's client id makes the broker drop the uplink's connection
    observer(broker, pki, gateway + "-cloud").disconnect();

    Mqtt5Publish will = next(status);
    assertThat(state(will)).isEqualTo("offline");
    assertThat(JSON.readTree(will.getPayloadAsBytes()).get("reason").asText())
        .isEqualTo("connection-lost");
    assertThat(state(next(status))).isEqualTo("online");
    await().atMost(Duration.ofSeconds(10)).until(() -> component.isUplinkConnected("cloud"));
    assertThat(component.getUplinkReconnects("cloud")).isEqualTo(1);
  }

  @Test
  void brokerOutage_publishWaitsAndCompletesAfterReconnect() throws Exception {
    MqttComponent component = component(gateway, tlsUplink("cloud", broker, pki).build());
    CamelContext context =
        start(component, "direct:in", "mqtt:cloud?retain=true&publishTimeout=30000");
    await().atMost(Duration.ofSeconds(10)).until(() -> component.isUplinkConnected("cloud"));

    CompletableFuture<Exchange> pending;
    try {
      broker.stop();
      await().atMost(Duration.ofSeconds(10)).until(() -> !component.isUplinkConnected("cloud"));
      pending =
          context
              .createProducerTemplate()
              .asyncSend("direct:in", e -> e.getMessage().setBody(BATCH));
      Thread.sleep(300);
      assertThat(pending).isNotDone();
    } finally {
      broker.start();
    }

    assertThat(pending.get(30, TimeUnit.SECONDS).getException()).isNull();
    assertThat(component.isUplinkConnected("cloud")).isTrue();
    assertThat(retained("tb/v1/site1/" + gateway + "/press-1/telemetry").getPayloadAsBytes())
        .isEqualTo(new JsonSampleBatchEncoder().encode(BATCH));
  }

  @Test
  void brokerCertificateOfUnknownCa_publishFailsSayingItIsNotTrusted(@TempDir Path otherDir)
      throws Exception {
    DevelopmentPki otherPki = DevelopmentPki.openOrCreate(otherDir);
    UplinkSettings settings =
        tlsUplink("cloud", broker, pki).caCertificateFile(otherPki.caCertificateFile()).build();
    CamelContext context =
        start(component(gateway, settings), "direct:in", "mqtt:cloud?publishTimeout=1500");

    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));

    assertThat(exchange.getException())
        .isInstanceOf(MqttUplinkException.class)
        .hasMessageContaining(
            "uplink 'cloud' (" + broker.tlsServerUri() + ") is not connected within 1500 ms")
        .hasMessageContaining("the broker's certificate is not trusted")
        .hasMessageContaining("the CA in " + otherPki.caCertificateFile());
    assertThat(((MqttUplinkException) exchange.getException()).uplinkId()).isEqualTo("cloud");
  }

  @Test
  void pinnedBrokerKey_publishes() throws Exception {
    Mqtt5Publishes received =
        subscribe(track(observer(broker, pki)), "tb/v1/site1/" + gateway + "/+/telemetry");
    UplinkSettings settings =
        tlsUplink("cloud", broker, pki)
            .pinnedPublicKeys(OTHER_PIN, spkiSha256(pki.broker().certificate()))
            .build();
    CamelContext context = start(component(gateway, settings), "direct:in", "mqtt:cloud");

    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));

    assertThat(exchange.getException()).isNull();
    assertThat(next(received).getPayloadAsBytes())
        .isEqualTo(new JsonSampleBatchEncoder().encode(BATCH));
  }

  @Test
  void brokerKeyNotPinned_publishFailsPrintingTheBrokersActualPin() throws Exception {
    UplinkSettings settings = tlsUplink("cloud", broker, pki).pinnedPublicKeys(OTHER_PIN).build();
    CamelContext context =
        start(component(gateway, settings), "direct:in", "mqtt:cloud?publishTimeout=1500");

    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));

    assertThat(exchange.getException())
        .isInstanceOf(MqttUplinkException.class)
        .hasMessageContaining(
            "uplink 'cloud' (" + broker.tlsServerUri() + ") is not connected within 1500 ms")
        .hasMessageContaining(
            "the broker's public key matches none of the configured pins [" + OTHER_PIN + "]")
        .hasMessageContaining(
            ": the key of CN=localhost,O=TrustBridge development has the SHA-256 SPKI pin "
                + spkiSha256(pki.broker().certificate())
                + "; add that to pinnedPublicKeys");
  }

  @Test
  void pinnedBrokerKeyUnderUnknownCa_publishFailsSayingItIsNotTrusted(@TempDir Path otherDir)
      throws Exception {
    DevelopmentPki otherPki = DevelopmentPki.openOrCreate(otherDir);
    UplinkSettings settings =
        tlsUplink("cloud", broker, pki)
            .caCertificateFile(otherPki.caCertificateFile())
            .pinnedPublicKeys(spkiSha256(pki.broker().certificate()))
            .build();
    CamelContext context =
        start(component(gateway, settings), "direct:in", "mqtt:cloud?publishTimeout=1500");

    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));

    assertThat(exchange.getException())
        .hasMessageContaining("the broker's certificate is not trusted")
        .hasMessageContaining("the CA in " + otherPki.caCertificateFile());
  }

  @Test
  void expiredBrokerCertificate_publishFailsSayingWhenItExpired() throws Exception {
    Instant notAfter = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
    IssuedCertificate expired =
        pki.issueServerCertificate(
            "expired-broker", notAfter.minus(Duration.ofDays(30)), notAfter, "127.0.0.1");

    try (HandshakeOnlyTlsServer server =
        HandshakeOnlyTlsServer.start(pki.keyManagerFactory(expired))) {
      Exception failure = publishFailureAgainst(server);

      assertThat(failure)
          .isInstanceOf(MqttUplinkException.class)
          .hasMessageContaining("is not connected within 1500 ms")
          .hasMessageContaining(
              "the broker's certificate CN=127.0.0.1,O=TrustBridge development expired on "
                  + notAfter
                  + ": renew it, or check this gateway's clock");
      assertThat(server.handshakeFailures())
          .anySatisfy(
              alert -> assertThat(alert).contains("Received fatal alert: certificate_unknown"));
    }
  }

  @Test
  void brokerCertificateNotYetValid_publishFailsSayingCheckTheClock() throws Exception {
    Instant notBefore = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    IssuedCertificate future =
        pki.issueServerCertificate(
            "future-broker", notBefore, notBefore.plus(Duration.ofDays(30)), "127.0.0.1");

    try (HandshakeOnlyTlsServer server =
        HandshakeOnlyTlsServer.start(pki.keyManagerFactory(future))) {
      assertThat(publishFailureAgainst(server))
          .hasMessageContaining(
              "the broker's certificate CN=127.0.0.1,O=TrustBridge development is not valid before "
                  + notBefore
                  + ": check this gateway's clock");
    }
  }

  @Test
  void brokerCertificateForAnotherHost_publishFailsNamingTheHost() throws Exception {
    IssuedCertificate elsewhere =
        pki.issueServerCertificate(
            "elsewhere-broker",
            Instant.now().minus(Duration.ofHours(1)),
            Instant.now().plus(Duration.ofDays(1)),
            "broker.elsewhere.example",
            "10.9.8.7");

    try (HandshakeOnlyTlsServer server =
        HandshakeOnlyTlsServer.start(pki.keyManagerFactory(elsewhere))) {
      assertThat(publishFailureAgainst(server))
          .isInstanceOf(MqttUplinkException.class)
          .hasMessageContaining(
              "the broker's certificate does not name host 127.0.0.1 (No subject alternative"
                  + " names matching IP address 127.0.0.1 found)");
      assertThat(server.handshakeFailures())
          .anySatisfy(
              alert -> assertThat(alert).contains("Received fatal alert: certificate_unknown"));
    }
  }

  @Test
  void pinnedBrokerKeyForAnotherHost_publishFailsNamingTheHost() throws Exception {
    IssuedCertificate elsewhere =
        pki.issueServerCertificate(
            "elsewhere-pinned",
            Instant.now().minus(Duration.ofHours(1)),
            Instant.now().plus(Duration.ofDays(1)),
            "broker.elsewhere.example");

    try (HandshakeOnlyTlsServer server =
        HandshakeOnlyTlsServer.start(pki.keyManagerFactory(elsewhere))) {
      assertThat(publishFailureAgainst(server, spkiSha256(elsewhere.certificate())))
          .hasMessageContaining("the broker's certificate does not name host 127.0.0.1");
    }
  }

  @Test
  void noClientKey_brokerRequiringOne_publishFailsSayingTheUplinkHasNone() throws Exception {
    UplinkSettings settings =
        UplinkSettings.builder("cloud", broker.tlsServerUri())
            .caCertificateFile(pki.caCertificateFile())
            .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(500))
            .build();
    CamelContext context =
        start(component(gateway, settings), "direct:in", "mqtt:cloud?publishTimeout=1500");

    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));

    assertThat(exchange.getException())
        .hasMessageContaining(
            "the broker ended the TLS handshake (Received fatal alert: bad_certificate): this"
                + " uplink presents no client certificate; set a client key if the broker requires"
                + " one, and that it accepts [TLSv1.3, TLSv1.2]");
  }

  @Test
  void clientKeyOfUnknownCa_publishFailsNamingTheKey(@TempDir Path otherDir) throws Exception {
    DevelopmentPki otherPki = DevelopmentPki.openOrCreate(otherDir);
    UplinkSettings settings =
        tlsUplink("cloud", broker, pki)
            .clientKey(otherPki.keyManagerFactory("stranger"), "pkcs11:object=stranger")
            .build();
    CamelContext context =
        start(component(gateway, settings), "direct:in", "mqtt:cloud?publishTimeout=1500");

    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));

    assertThat(exchange.getException())
        .hasMessageContaining(
            "the broker ended the TLS handshake (Received fatal alert: certificate_unknown):"
                + " check that the broker trusts the certificate of client key"
                + " pkcs11:object=stranger");
  }

  @Test
  void brokerDown_publishFailsAfterTimeoutNamingUplinkAndServer() throws Exception {
    String server = "ssl://127.0.0.1:" + freePort();
    UplinkSettings settings =
        UplinkSettings.builder("down", server)
            .caCertificateFile(pki.caCertificateFile())
            .clientKey(pki.keyManagerFactory("gateway"), GATEWAY_KEY)
            .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(500))
            .build();
    CamelContext context =
        start(component(gateway, settings), "direct:in", "mqtt:down?publishTimeout=800");

    long begin = System.nanoTime();
    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));

    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(5));
    assertThat(exchange.getException())
        .isInstanceOf(MqttUplinkException.class)
        .hasMessageContaining("uplink 'down' (" + server + ") is not connected within 800 ms")
        .hasMessageContaining("cannot reach 127.0.0.1:");
  }

  @Test
  void missingDevice_exchangeFailsNamingThePlaceholder() throws Exception {
    CamelContext context =
        start(
            component(gateway, tlsUplink("cloud", broker, pki).build()), "direct:in", "mqtt:cloud");

    Exchange exchange =
        context
            .createProducerTemplate()
            .send("direct:in", e -> e.getMessage().setBody("no device"));

    assertThat(exchange.getException())
        .isInstanceOf(MqttUplinkException.class)
        .hasMessageContaining("uplink 'cloud'")
        .hasMessageContaining("needs {device}")
        .hasMessageContaining("TrustBridgeDeviceId");
  }

  @Test
  void deviceIdWithSlash_exchangeFails_insteadOfEscapingItsTopic() throws Exception {
    CamelContext context =
        start(
            component(gateway, tlsUplink("cloud", broker, pki).build()), "direct:in", "mqtt:cloud");

    Exchange exchange =
        context
            .createProducerTemplate()
            .send(
                "direct:in",
                e -> {
                  e.getMessage().setBody("x");
                  e.getMessage().setHeader(TrustBridgeHeaders.DEVICE_ID, "a/../b");
                });

    assertThat(exchange.getException())
        .hasMessageContaining("device id 'a/../b' cannot be a topic level");
  }

  @Test
  void unsupportedBody_exchangeFailsNamingTheType() throws Exception {
    CamelContext context =
        start(
            component(gateway, tlsUplink("cloud", broker, pki).build()), "direct:in", "mqtt:cloud");

    Exchange exchange =
        context
            .createProducerTemplate()
            .send(
                "direct:in",
                e -> {
                  e.getMessage().setBody(42);
                  e.getMessage().setHeader(TrustBridgeHeaders.DEVICE_ID, "d1");
                });

    assertThat(exchange.getException())
        .hasMessageContaining("java.lang.Integer")
        .hasMessageContaining("SampleBatch, byte[] or String");
  }

  @Test
  void plaintextUplink_publishesThroughPlainListener() throws Exception {
    Mqtt5Publishes received =
        subscribe(track(observer(broker, pki)), "tb/v1/site1/" + gateway + "/+/telemetry");
    UplinkSettings settings = UplinkSettings.builder("plain", broker.plainServerUri()).build();
    CamelContext context = start(component(gateway, settings), "direct:in", "mqtt:plain");

    Exchange exchange =
        context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));

    assertThat(exchange.getException()).isNull();
    assertThat(next(received).getTopic().toString())
        .isEqualTo("tb/v1/site1/" + gateway + "/press-1/telemetry");
  }

  @Test
  void unknownUplink_endpointFailsListingConfiguredUplinks() {
    MqttComponent component = component(gateway, tlsUplink("cloud", broker, pki).build());

    assertThatThrownBy(() -> start(component, "direct:in", "mqtt:nope"))
        .rootCause()
        .hasMessageContaining("unknown uplink 'nope'")
        .hasMessageContaining("configured uplinks: [cloud]");
  }

  @Test
  void misspelledOption_endpointFails() {
    MqttComponent component = component(gateway, tlsUplink("cloud", broker, pki).build());

    assertThatThrownBy(() -> start(component, "direct:in", "mqtt:cloud?qso=1"))
        .hasRootCauseInstanceOf(ResolveEndpointFailedException.class)
        .rootCause()
        .hasMessageContaining("qso");
  }

  @Test
  void qos2_endpointFails() {
    MqttComponent component = component(gateway, tlsUplink("cloud", broker, pki).build());

    assertThatThrownBy(() -> start(component, "direct:in", "mqtt:cloud?qos=2"))
        .hasRootCauseMessage("qos must be 0 or 1, got 2");
  }

  @Test
  void consumerWithDevicePlaceholder_routeFailsToStart() {
    MqttComponent component = component(gateway, tlsUplink("cloud", broker, pki).build());

    assertThatThrownBy(
            () ->
                contexts.add(
                    startedContext(
                        component,
                        new RouteBuilder() {
                          @Override
                          public void configure() {
                            from("mqtt:cloud").to("direct:never");
                          }
                        })))
        .rootCause()
        .hasMessageContaining("contains {device}, which only a publish can resolve");
  }

  @Test
  void consumer_stoppedWithoutStart_stopsQuietly() throws Exception {
    // Camel stops the consumers of every route when one route fails to start
    try (DefaultCamelContext context = new DefaultCamelContext()) {
      context.addComponent("mqtt", component(gateway, tlsUplink("cloud", broker, pki).build()));
      Consumer consumer = context.getEndpoint("mqtt:cloud?topic=a/+").createConsumer(e -> {});
      ServiceHelper.initService(consumer);

      assertThatCode(() -> ServiceHelper.stopService(consumer)).doesNotThrowAnyException();
    }
  }

  @Test
  void uninitializedClientKeyManagers_componentFailsToStartNamingTheKey() throws Exception {
    UplinkSettings settings =
        tlsUplink("cloud", broker, pki)
            .clientKey(
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()),
                "pkcs11:token=missing;object=gateway")
            .build();

    Throwable thrown =
        catchThrowable(() -> start(component(gateway, settings), "direct:in", "mqtt:cloud"));

    assertThat(causeOfType(thrown, MqttUplinkException.class))
        .hasMessage(
            "uplink 'cloud': the key managers of client key pkcs11:token=missing;object=gateway"
                + " are not initialized");
  }

  @Test
  void missingCaCertificateFile_componentFailsToStartNamingTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("missing-ca.pem");
    UplinkSettings settings = tlsUplink("cloud", broker, pki).caCertificateFile(missing).build();

    Throwable thrown =
        catchThrowable(() -> start(component(gateway, settings), "direct:in", "mqtt:cloud"));

    assertThat(causeOfType(thrown, MqttUplinkException.class))
        .hasMessageStartingWith("uplink 'cloud': cannot read CA certificate file " + missing);
  }

  /** Publishes through an uplink to {@code server} and returns why the exchange failed. */
  private Exception publishFailureAgainst(HandshakeOnlyTlsServer server, String... pins)
      throws Exception {
    UplinkSettings settings =
        UplinkSettings.builder("cloud", server.serverUri())
            .caCertificateFile(pki.caCertificateFile())
            .pinnedPublicKeys(pins)
            .clientKey(pki.keyManagerFactory("gateway"), GATEWAY_KEY)
            .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(500))
            .build();
    CamelContext context =
        start(component(gateway, settings), "direct:in", "mqtt:cloud?publishTimeout=1500");
    try {
      Exchange exchange =
          context.createProducerTemplate().send("direct:in", e -> e.getMessage().setBody(BATCH));
      assertThat(exchange.getException()).isNotNull();
      return exchange.getException();
    } finally {
      context.stop();
    }
  }

  private static String spkiSha256(X509Certificate certificate) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
  }

  private CamelContext start(MqttComponent component, String from, String to) throws Exception {
    CamelContext context =
        startedContext(
            component,
            new RouteBuilder() {
              @Override
              public void configure() {
                from(from).to(to);
              }
            });
    contexts.add(context);
    return context;
  }

  /** Publishes until the route has it: consumers subscribe in the background once connected. */
  private Exchange publishUntilRouted(
      String topic, byte[] payload, String contentType, BlockingQueue<Exchange> routed)
      throws Exception {
    Mqtt5BlockingClient operator = track(observer(broker, pki));
    for (int attempt = 0; attempt < 20; attempt++) {
      operator
          .publishWith()
          .topic(topic)
          .qos(MqttQos.AT_LEAST_ONCE)
          .contentType(contentType)
          .payload(payload)
          .send();
      Exchange exchange;
      while ((exchange = routed.poll(500, TimeUnit.MILLISECONDS)) != null) {
        if (topic.equals(exchange.getMessage().getHeader(MqttConstants.TOPIC))) {
          return exchange;
        }
      }
    }
    throw new AssertionError("the route got no message on " + topic);
  }

  private Mqtt5BlockingClient track(Mqtt5BlockingClient client) {
    clients.add(client);
    return client;
  }

  private Mqtt5Publish retained(String topic) throws Exception {
    Mqtt5BlockingClient client = observer(broker, pki);
    try (Mqtt5Publishes publishes = subscribe(client, topic)) {
      return publishes.receive(1, TimeUnit.SECONDS).orElse(null);
    } finally {
      client.disconnect();
    }
  }

  private static Mqtt5Publish nextOn(Mqtt5Publishes publishes, String topic)
      throws InterruptedException {
    Mqtt5Publish publish = next(publishes);
    while (!publish.getTopic().toString().equals(topic)) {
      publish = next(publishes);
    }
    return publish;
  }

  private static String state(Mqtt5Publish publish) {
    try {
      return JSON.readTree(publish.getPayloadAsBytes()).get("state").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Throwable causeOfType(Throwable thrown, Class<? extends Throwable> type) {
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return cause;
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + thrown, thrown);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
