package dev.trustbridge.runtime.config;

import dev.trustbridge.adapters.modbus.ModbusDevice;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import java.nio.file.Path;
import java.util.List;

/**
 * The validated configuration of one gateway: who it is, which devices it serves, and which route
 * files it runs. Only {@link ConfigLoader} makes one, and only when nothing is wrong.
 *
 * @param directory the configuration directory
 * @param identity who the gateway is and where its key lives
 * @param modbusDevices the registered Modbus TCP devices
 * @param uplinks the cloud broker connections
 * @param envelopes how what leaves the gateway is signed
 * @param outbox how telemetry is kept until the broker acknowledges it
 * @param observability metrics, health, logs and JMX
 * @param routeFiles the Camel YAML DSL route files, sorted by name
 */
public record GatewayConfig(
    Path directory,
    GatewayIdentity identity,
    List<ModbusDevice> modbusDevices,
    List<UplinkSettings> uplinks,
    EnvelopeSettings envelopes,
    OutboxSettings outbox,
    ObservabilitySettings observability,
    List<Path> routeFiles) {

  public GatewayConfig {
    modbusDevices = List.copyOf(modbusDevices);
    uplinks = List.copyOf(uplinks);
    routeFiles = List.copyOf(routeFiles);
  }

  /** The site (plant) id, the first level of every topic. */
  public String site() {
    return identity.site();
  }

  /** This gateway's id, unique within the site. */
  public String gatewayId() {
    return identity.gatewayId();
  }

  /** How strictly trust is enforced. */
  public SecurityMode securityMode() {
    return identity.securityMode();
  }
}
