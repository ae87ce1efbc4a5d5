package dev.trustbridge.adapters.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.pki.DevelopmentPki;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/** Builds uplinks, Camel contexts and independent MQTT test clients against the test broker. */
final class MqttTestSupport {

  static final String SITE = "site1";

  /** How test uplinks describe their client key, as the vault's {@code pkcs11:} URI would. */
  static final String GATEWAY_KEY = "development keystore gateway.p12";

  private MqttTestSupport() {}

  /** A gateway id of its own per test, so that retained messages of other tests do not show. */
  static String uniqueGateway() {
    return "gw-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A mutual-TLS uplink to the test broker with a quick reconnect backoff. */
  static UplinkSettings.Builder tlsUplink(String id, EmbeddedBroker broker, DevelopmentPki pki) {
    return UplinkSettings.builder(id, broker.tlsServerUri())
        .caCertificateFile(pki.caCertificateFile())
        .clientKey(pki.keyManagerFactory("gateway"), GATEWAY_KEY)
        .reconnectDelay(Duration.ofMillis(100), Duration.ofSeconds(1));
  }

  static MqttComponent component(String gateway, UplinkSettings... uplinks) {
    MqttComponent component = new MqttComponent();
    component.setSiteId(SITE);
    component.setGatewayId(gateway);
    for (UplinkSettings uplink : uplinks) {
      component.addUplink(uplink);
    }
    return component;
  }

  static DefaultCamelContext startedContext(MqttComponent component, RouteBuilder routes)
      throws Exception {
    DefaultCamelContext context = new DefaultCamelContext();
    context.addComponent("mqtt", component);
    context.addRoutes(routes);
    context.start();
    return context;
  }

  /** A connected MQTT 5 client with its own certificate of the test PKI. */
  static Mqtt5BlockingClient observer(EmbeddedBroker broker, DevelopmentPki pki) throws Exception {
    return observer(broker, pki, "observer-" + UUID.randomUUID());
  }

  static Mqtt5BlockingClient observer(EmbeddedBroker broker, DevelopmentPki pki, String clientId)
      throws Exception {
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(clientId)
            .serverHost(EmbeddedBroker.HOST)
            .serverPort(broker.tlsPort())
            .sslConfig(
                MqttClientSslConfig.builder()
                    .keyManagerFactory(pki.keyManagerFactory("observer"))
                    .trustManagerFactory(pki.trustManagerFactory())
                    .build())
            .buildBlocking();
    client.connect();
    return client;
  }

  /** Subscribes and returns the stream of messages; opened before subscribing to miss nothing. */
  static Mqtt5Publishes subscribe(Mqtt5BlockingClient client, String filter) {
    Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.SUBSCRIBED);
    client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    return publishes;
  }

  static Mqtt5Publish next(Mqtt5Publishes publishes) throws InterruptedException {
    Optional<Mqtt5Publish> publish = publishes.receive(10, TimeUnit.SECONDS);
    return publish.orElseThrow(() -> new AssertionError("no message within 10 s"));
  }
}
