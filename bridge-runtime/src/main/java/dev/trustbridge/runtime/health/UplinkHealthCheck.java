package dev.trustbridge.runtime.health;

import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.runtime.outbox.OutboxException;
import dev.trustbridge.runtime.outbox.OutboxStatus;
import dev.trustbridge.runtime.outbox.OutboxStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the path to the brokers: each uplink must be connected, or its outbox must still
 * have room, so that telemetry is either delivered or kept; and the outbox store must be writable.
 */
public final class UplinkHealthCheck extends AbstractHealthCheck {

  /** The check's id in Camel's health registry. */
  public static final String ID = "trustbridge-uplinks";

  private final MqttComponent mqtt;
  private final OutboxStore store;
  private final long maxBytes;

  /**
   * @param maxBytes the most an outbox holds; at this size a disconnected uplink is not ready
   */
  public UplinkHealthCheck(MqttComponent mqtt, OutboxStore store, long maxBytes) {
    super("trustbridge", ID);
    this.mqtt = mqtt;
    this.store = store;
    this.maxBytes = maxBytes;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    List<String> failures = new ArrayList<>();
    if (store.isWriteFailing()) {
      failures.add("the outbox store cannot be written (disk full or I/O error)");
    }
    Map<String, OutboxStatus> statuses = new HashMap<>();
    try {
      store.status().forEach(status -> statuses.put(status.uplink(), status));
    } catch (OutboxException e) {
      failures.add("the outbox store cannot be read: " + e.getMessage());
    }
    for (UplinkSettings uplink : mqtt.getUplinks()) {
      boolean connected = mqtt.isUplinkConnected(uplink.id());
      long bytes = statuses.containsKey(uplink.id()) ? statuses.get(uplink.id()).bytes() : 0;
      builder.detail("uplink." + uplink.id() + ".connected", connected);
      builder.detail("uplink." + uplink.id() + ".outboxBytes", bytes);
      if (!connected && bytes >= maxBytes) {
        failures.add(
            "uplink "
                + uplink.id()
                + " is disconnected and its outbox is full ("
                + bytes
                + " of "
                + maxBytes
                + " bytes)");
      }
    }
    if (failures.isEmpty()) {
      builder.up();
    } else {
      builder.message(String.join("; ", failures)).down();
    }
  }
}
