package dev.trustbridge.runtime.config;

import dev.trustbridge.adapters.modbus.ModbusDevice;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.adapters.opcua.OpcUaDevice;
import dev.trustbridge.policy.command.CommandSettings;
import dev.trustbridge.policy.rules.Policy;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The validated configuration of one gateway: who it is, which devices it serves, and which route
 * files it runs. Only {@link ConfigLoader} makes one, and only when nothing is wrong.
 *
 * @param directory the configuration directory
 * @param identity who the gateway is and where its key lives
 * @param modbusDevices the registered Modbus TCP devices
 * @param opcuaDevices the registered OPC UA servers
 * @param uplinks the cloud broker connections
 * @param envelopes how what leaves the gateway is signed
 * @param outbox how telemetry is kept until the broker acknowledges it
 * @param observability metrics, health, logs and JMX
 * @param routeFiles the Camel YAML DSL route files, sorted by name
 * @param policyFiles the policy files, in the order of {@code policies:}
 * @param tagFiles the CSV tag lists that devices name in {@code tagFile}, in device order
 * @param policy the compiled policy files; empty when none are configured (development only)
 * @param commands who may sign commands; empty when the gateway accepts none
 * @param attestation how the gateway measures itself and proves it
 * @param configVersion the version of the signed configuration bundle, when one is required
 */
public record GatewayConfig(
    Path directory,
    GatewayIdentity identity,
    List<ModbusDevice> modbusDevices,
    List<OpcUaDevice> opcuaDevices,
    List<UplinkSettings> uplinks,
    EnvelopeSettings envelopes,
    OutboxSettings outbox,
    ObservabilitySettings observability,
    List<Path> routeFiles,
    List<Path> policyFiles,
    List<Path> tagFiles,
    Optional<Policy> policy,
    Optional<CommandSettings> commands,
    AttestationSettings attestation,
    OptionalLong configVersion) {

  public GatewayConfig {
    modbusDevices = List.copyOf(modbusDevices);
    opcuaDevices = List.copyOf(opcuaDevices);
    uplinks = List.copyOf(uplinks);
    routeFiles = List.copyOf(routeFiles);
    policyFiles = List.copyOf(policyFiles);
    tagFiles = List.copyOf(tagFiles);
    Objects.requireNonNull(attestation, "attestation");
    Objects.requireNonNull(configVersion, "configVersion");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(commands, "commands");
  }

  /** The ids of every registered device, whatever its protocol. */
  public Set<String> deviceIds() {
    Set<String> ids = new LinkedHashSet<>();
    modbusDevices.forEach(device -> ids.add(device.id()));
    opcuaDevices.forEach(device -> ids.add(device.id()));
    return ids;
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
