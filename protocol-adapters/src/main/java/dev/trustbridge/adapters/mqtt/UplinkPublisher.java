package dev.trustbridge.adapters.mqtt;

import java.util.concurrent.CompletableFuture;

/**
 * Publishes at QoS 1 on one running uplink, in the order of the calls, for an {@link Outbox}. It
 * does not wait for a connection: a publish while the uplink is down fails or is queued by the
 * client in order, and the outbox retries what fails.
 */
public interface UplinkPublisher {

  /** Whether the uplink's MQTT connection is up. */
  boolean isConnected();

  /**
   * Publishes one message.
   *
   * @return completes on the broker's PUBACK; fails with an {@link MqttUplinkException} if the
   *     broker refuses it or no PUBACK arrives within the endpoint's publish timeout
   */
  CompletableFuture<Void> publish(String topic, byte[] payload, String contentType);
}
