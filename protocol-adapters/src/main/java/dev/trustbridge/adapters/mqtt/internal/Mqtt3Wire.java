package dev.trustbridge.adapters.mqtt.internal;

import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** {@link MqttWire} over the HiveMQ MQTT 3.1.1 client; content types do not exist in 3.1.1. */
final class Mqtt3Wire implements MqttWire {

  private final Mqtt3AsyncClient client;

  Mqtt3Wire(MqttClientBuilder builder, Optional<Publication> will) {
    Mqtt3ClientBuilder client = builder.useMqttVersion3();
    this.client =
        will.<Mqtt3ClientBuilder>map(
                w ->
                    client
                        .willPublish()
                        .topic(w.topic())
                        .payload(w.payload())
                        .qos(MqttWire.qos(w.qos()))
                        .retain(w.retain())
                        .applyWillPublish())
            .orElse(client)
            .buildAsync();
  }

  @Override
  public CompletableFuture<Void> connect(UplinkSettings settings) {
    return client
        .connectWith()
        .cleanSession(settings.cleanStart())
        .keepAlive((int) settings.keepAlive().getSeconds())
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
              Mqtt3SubAckReturnCode code = subAck.getReturnCodes().get(0);
              if (code.isError()) {
                throw new IllegalStateException("broker refused the subscription: " + code);
              }
              return null;
            });
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String filter) {
    return client.unsubscribeWith().topicFilter(filter).send();
  }

  @Override
  public CompletableFuture<Void> disconnect() {
    return client.disconnect();
  }

  @Override
  public boolean isConnected() {
    return client.getState().isConnected();
  }

  private static ReceivedMessage received(Mqtt3Publish publish) {
    return new ReceivedMessage(
        publish.getTopic().toString(),
        publish.getPayloadAsBytes(),
        publish.getQos().getCode(),
        publish.isRetain(),
        Optional.empty());
  }
}
