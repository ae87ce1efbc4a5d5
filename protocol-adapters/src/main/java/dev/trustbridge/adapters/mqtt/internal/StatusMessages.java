package dev.trustbridge.adapters.mqtt.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The retained {@code $status} payloads of one uplink: {@code {"state":"online"|"offline",
 * "reason":…,"site":…,"gateway":…,"uplink":…,"time":…}}.
 */
final class StatusMessages {

  static final String CONTENT_TYPE = "application/json";

  private final ObjectMapper mapper = new ObjectMapper();
  private final String site;
  private final String gateway;
  private final String uplink;

  StatusMessages(String site, String gateway, String uplink) {
    this.site = site;
    this.gateway = gateway;
    this.uplink = uplink;
  }

  /** Published after every (re)connect. */
  byte[] online(Instant now) {
    return encode(node("online", "connected").put("time", now.toString()));
  }

  /** Published before a clean disconnect. */
  byte[] shutdown(Instant now) {
    return encode(node("offline", "shutdown").put("time", now.toString()));
  }

  /** The last will, published by the broker when the connection is lost; fixed, so no time. */
  byte[] connectionLost() {
    return encode(node("offline", "connection-lost"));
  }

  private ObjectNode node(String state, String reason) {
    return mapper
        .createObjectNode()
        .put("state", state)
        .put("reason", reason)
        .put("site", site)
        .put("gateway", gateway)
        .put("uplink", uplink);
  }

  private byte[] encode(ObjectNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot encode status of uplink " + uplink, e);
    }
  }
}
