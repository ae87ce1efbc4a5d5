package dev.trustbridge.adapters.mqtt.internal;

import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The calls an uplink makes on its HiveMQ client, the same for MQTT 5 and 3.1.1, whose client APIs
 * are separate types. Every future completes on a client thread.
 */
interface MqttWire {

  /** A wire for the settings' MQTT version, with the last will if one is given. */
  static MqttWire create(
      MqttClientBuilder builder, UplinkSettings settings, Optional<Publication> will) {
    return settings.version() == UplinkSettings.MqttVersion.MQTT_5
        ? new Mqtt5Wire(builder, will)
        : new Mqtt3Wire(builder, will);
  }

  /** Connects; with reconnects arranged by a disconnected listener it completes once connected. */
  CompletableFuture<Void> connect(UplinkSettings settings);

  /** Completes when written (QoS 0) or acknowledged by PUBACK (QoS 1). */
  CompletableFuture<Void> publish(Publication publication);

  /** Completes on a SUBACK that grants the subscription; fails if the broker refuses it. */
  CompletableFuture<Void> subscribe(
      String filter, int qos, Consumer<ReceivedMessage> handler, Executor executor);

  CompletableFuture<Void> unsubscribe(String filter);

  CompletableFuture<Void> disconnect();

  boolean isConnected();

  static MqttQos qos(int qos) {
    return qos == 0 ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE;
  }
}
