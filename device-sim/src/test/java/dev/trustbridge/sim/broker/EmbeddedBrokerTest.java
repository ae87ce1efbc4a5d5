package dev.trustbridge.sim.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedBrokerExtension.class)
class EmbeddedBrokerTest {

  @Test
  void tlsClient_caIssuedCertificate_roundTripsMessage(EmbeddedBroker broker, DevelopmentPki pki)
      throws Exception {
    Mqtt5BlockingClient client =
        client(broker.tlsPort(), tls(pki, pki.clientCertificate("roundtrip"), List.of()));
    client.connect();
    try (Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter("test/roundtrip").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5PublishResult result =
          client
              .publishWith()
              .topic("test/roundtrip")
              .qos(MqttQos.AT_LEAST_ONCE)
              .payload("hello".getBytes(StandardCharsets.UTF_8))
              .send();

      assertThat(result.getError()).isEmpty();
      Optional<Mqtt5Publish> received = publishes.receive(10, TimeUnit.SECONDS);
      assertThat(received).isPresent();
      assertThat(received.get().getTopic().toString()).isEqualTo("test/roundtrip");
      assertThat(new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
          .isEqualTo("hello");
    } finally {
      client.disconnect();
    }
  }

  @Test
  void tlsClient_tls12Only_connects(EmbeddedBroker broker, DevelopmentPki pki) throws Exception {
    Mqtt5BlockingClient client =
        client(broker.tlsPort(), tls(pki, pki.clientCertificate("tls12"), List.of("TLSv1.2")));

    assertThat(client.connect().getReasonCode().isError()).isFalse();
    client.disconnect();
  }

  @Test
  void tlsClient_withoutCertificate_isRefused(EmbeddedBroker broker, DevelopmentPki pki)
      throws Exception {
    MqttClientSslConfig noClientCertificate =
        MqttClientSslConfig.builder().trustManagerFactory(pki.trustManagerFactory()).build();
    Mqtt5BlockingClient client = client(broker.tlsPort(), noClientCertificate);

    assertThatThrownBy(client::connect).isInstanceOf(RuntimeException.class);
    assertThat(client.getState().isConnected()).isFalse();
  }

  @Test
  void tlsClient_certificateOfAnotherCa_isRefused(
      EmbeddedBroker broker, DevelopmentPki pki, @TempDir Path otherDir) throws Exception {
    DevelopmentPki otherPki = DevelopmentPki.openOrCreate(otherDir);
    MqttClientSslConfig foreignCertificate =
        MqttClientSslConfig.builder()
            .keyManagerFactory(otherPki.keyManagerFactory("intruder"))
            .trustManagerFactory(pki.trustManagerFactory())
            .build();
    Mqtt5BlockingClient client = client(broker.tlsPort(), foreignCertificate);

    assertThatThrownBy(client::connect).isInstanceOf(RuntimeException.class);
    assertThat(client.getState().isConnected()).isFalse();
  }

  @Test
  void plainClient_plainListener_connects(EmbeddedBroker broker) {
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("plain-" + UUID.randomUUID())
            .serverHost(EmbeddedBroker.HOST)
            .serverPort(broker.plainPort())
            .buildBlocking();

    assertThat(client.connect().getReasonCode().isError()).isFalse();
    client.disconnect();
    assertThat(broker.plainServerUri()).isEqualTo("tcp://127.0.0.1:" + broker.plainPort());
  }

  @Test
  void plainClient_tlsListener_isRefused(EmbeddedBroker broker) {
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("plain-on-tls-" + UUID.randomUUID())
            .serverHost(EmbeddedBroker.HOST)
            .serverPort(broker.tlsPort())
            .transportConfig()
            .mqttConnectTimeout(3, TimeUnit.SECONDS)
            .applyTransportConfig()
            .buildBlocking();

    assertThatThrownBy(client::connect).isInstanceOf(RuntimeException.class);
  }

  @Test
  void stopThenStart_samePort_acceptsClientsAgain(EmbeddedBroker broker, DevelopmentPki pki)
      throws Exception {
    Mqtt5BlockingClient client =
        client(broker.tlsPort(), tls(pki, pki.clientCertificate("restart"), List.of()));
    int port = broker.tlsPort();

    broker.stop();
    assertThat(broker.isRunning()).isFalse();
    assertThatThrownBy(client::connect).isInstanceOf(RuntimeException.class);
    broker.start();

    assertThat(broker.isRunning()).isTrue();
    assertThat(broker.tlsPort()).isEqualTo(port);
    assertThat(client.connect().getReasonCode().isError()).isFalse();
    client.disconnect();
  }

  @Test
  void builder_withoutPlainListener_hasNoPlainPortAndNoSecretInConfig(@TempDir Path dir)
      throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir.resolve("pki"));
    EmbeddedBroker broker =
        EmbeddedBroker.builder(pki).workDirectory(dir.resolve("broker")).tlsPort(0).build();
    try {
      assertThatThrownBy(broker::plainPort)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("without a plain TCP listener");
      String config = Files.readString(dir.resolve("broker/conf/config.xml"));
      assertThat(config)
          .contains("<port>" + broker.tlsPort() + "</port>")
          .contains("<bind-address>127.0.0.1</bind-address>")
          .contains("<client-authentication-mode>REQUIRED</client-authentication-mode>")
          .contains("<protocol>TLSv1.3</protocol>", "<protocol>TLSv1.2</protocol>")
          .contains("<enabled>false</enabled>")
          .doesNotContain("<tcp-listener>")
          .doesNotContain(new String(pki.password()));
      assertThat(broker.tlsPort()).isPositive();
    } finally {
      broker.close();
    }
    assertThat(dir.resolve("broker")).exists();
  }

  @Test
  void extension_resolvesBrokerOfTheSamePki(EmbeddedBroker broker, DevelopmentPki pki) {
    assertThat(broker.pki()).isSameAs(pki);
    assertThat(broker.isRunning()).isTrue();
    assertThat(broker.tlsServerUri()).isEqualTo("ssl://127.0.0.1:" + broker.tlsPort());
  }

  private static Mqtt5BlockingClient client(int port, MqttClientSslConfig tls) {
    return MqttClient.builder()
        .useMqttVersion5()
        .identifier("test-" + UUID.randomUUID())
        .transportConfig()
        .serverHost(EmbeddedBroker.HOST)
        .serverPort(port)
        .sslConfig(tls)
        .mqttConnectTimeout(5, TimeUnit.SECONDS)
        .applyTransportConfig()
        .buildBlocking();
  }

  private static MqttClientSslConfig tls(
      DevelopmentPki pki, IssuedCertificate certificate, List<String> protocols) throws Exception {
    var builder =
        MqttClientSslConfig.builder()
            .keyManagerFactory(pki.keyManagerFactory(certificate.name()))
            .trustManagerFactory(pki.trustManagerFactory());
    return protocols.isEmpty() ? builder.build() : builder.protocols(protocols).build();
  }
}
