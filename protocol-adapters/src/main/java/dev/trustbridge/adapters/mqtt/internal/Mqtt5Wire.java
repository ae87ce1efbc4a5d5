package dev.trustbridge.adapters.mqtt.internal;

import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** {@link MqttWire} over the HiveMQ MQTT 5 client. */
final class Mqtt5Wire implements MqttWire {

  private final Mqtt5AsyncClient client;

  Mqtt5Wire(MqttClientBuilder builder, Optional<Publication> will) {
    Mqtt5ClientBuilder client = builder.useMqttVersion5();
    this.client =
        will.<Mqtt5ClientBuilder>map(
                w ->
                    client
                        .willPublish()
                        .topic(w.topic())
                        .payload(w.payload())
                        .qos(MqttWire.qos(w.qos()))
                        .retain(w.retain())
                        .contentType(w.contentType().orElse(null))
                        .applyWillPublish())
            .orElse(client)
            .buildAsync();
  }

  @Override
  public CompletableFuture<Void> connect(UplinkSettings settings) {
    return client
        .connectWith()
        .cleanStart(settings.cleanStart())
        .keepAlive((int) settings.keepAlive().getSeconds())
        .sessionExpiryInterval(settings.sessionExpiry().getSeconds())
        .send()
        .thenApply(connAck -> null);
  }

  @Override
  public CompletableFuture<Void> publish(Publication publication) {
    return client
        .publishWith()
        .topic(publication.topic())
        .qos(MqttWire.qos(publication.qos()))
        .retain(publication.retain())
        .contentType(publication.contentType().orElse(null))
        .payload(publication.payload())
        .send()
        .thenApply(result -> null);
  }

  @Override
  public CompletableFuture<Void> subscribe(
      String filter, int qos, Consumer<ReceivedMessage> handler, Executor executor) {
    return client
        .subscribeWith()
        .topicFilter(filter)
        .qos(MqttWire.qos(qos))
        .callback(publish -> handler.accept(received(publish)))
        .executor(executor)
        .send()
        .thenApply(
            subAck -> {
              Mqtt5SubAckReasonCode code = subAck.getReasonCodes().get(0);
              if (code.isError()) {
                throw new IllegalStateException("broker refused the subscription: " + code);
              }
              return null;
            });
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String filter) {
    return client.unsubscribeWith().topicFilter(filter).send().thenApply(unsubAck -> null);
  }

  @Override
  public CompletableFuture<Void> disconnect() {
    return client.disconnect();
  }

  @Override
  public boolean isConnected() {
    return client.getState().isConnected();
  }

  private static ReceivedMessage received(Mqtt5Publish publish) {
    return new ReceivedMessage(
        publish.getTopic().toString(),
        publish.getPayloadAsBytes(),
        publish.getQos().getCode(),
        publish.isRetain(),
        publish.getContentType().map(Object::toString));
  }
}
