package dev.trustbridge.adapters.mqtt.internal;

import java.util.Optional;

/**
 * A message delivered to a subscription.
 *
 * @param topic the topic it was published to
 * @param payload its bytes
 * @param qos the delivery QoS
 * @param retain whether the broker delivered it as retained message
 * @param contentType the MQTT 5 content type, if the publisher set one
 */
public record ReceivedMessage(
    String topic, byte[] payload, int qos, boolean retain, Optional<String> contentType) {}
