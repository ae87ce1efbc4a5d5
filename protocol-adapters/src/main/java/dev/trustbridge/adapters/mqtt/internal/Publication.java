package dev.trustbridge.adapters.mqtt.internal;

import java.util.Objects;
import java.util.Optional;

/**
 * One message to publish.
 *
 * @param topic the resolved topic
 * @param payload the bytes to send
 * @param qos 0 or 1
 * @param retain whether the broker keeps it for new subscribers
 * @param contentType the MQTT 5 content type; ignored by MQTT 3.1.1
 */
public record Publication(
    String topic, byte[] payload, int qos, boolean retain, Optional<String> contentType) {

  public Publication {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(contentType, "contentType");
  }
}
