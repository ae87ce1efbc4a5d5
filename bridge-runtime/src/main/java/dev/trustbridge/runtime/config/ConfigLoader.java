package dev.trustbridge.runtime.config;

import dev.trustbridge.adapters.modbus.ModbusDevice;
import dev.trustbridge.adapters.modbus.ModbusFingerprint;
import dev.trustbridge.adapters.modbus.ModbusTag;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.adapters.opcua.OpcUaDevice;
import dev.trustbridge.policy.command.CommandSettings;
import dev.trustbridge.policy.rules.Policy;
import dev.trustbridge.runtime.config.internal.CamelRouteGrammar;
import dev.trustbridge.runtime.config.internal.CsvTagList;
import dev.trustbridge.runtime.config.internal.HostAndPort;
import dev.trustbridge.runtime.config.internal.ModbusTagReader;
import dev.trustbridge.runtime.config.internal.Problems;
import dev.trustbridge.runtime.config.internal.RouteFileCheck;
import dev.trustbridge.runtime.config.internal.Substitution;
import dev.trustbridge.runtime.config.internal.TagColumns;
import dev.trustbridge.runtime.config.internal.YamlFiles;
import dev.trustbridge.runtime.config.internal.YamlMapping;
import dev.trustbridge.trust.vault.VaultConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads and validates a configuration directory: {@code trustbridge.yaml}, {@code
 * routes/*.camel.yaml} and the policy files that {@code trustbridge.yaml} lists. Every problem in
 * every file is collected and reported together in one {@link ConfigException}; a configuration is
 * returned only when there is none.
 */
public final class ConfigLoader {

  /** The main configuration file's name inside the configuration directory. */
  public static final String MAIN_FILE = "trustbridge.yaml";

  /** The route directory's name inside the configuration directory. */
  public static final String ROUTES_DIRECTORY = "routes";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final Map<String, String> environment;

  /**
   * @param environment what {@code ${env:NAME}} resolves against; {@link System#getenv()} in
   *     production
   */
  public ConfigLoader(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Loads the configuration in {@code directory}, or throws every problem found. */
  public GatewayConfig load(Path directory) throws ConfigException {
    Problems problems = new Problems();
    List<Path> routeFiles = routeFiles(directory, problems);
    YamlMapping root = root(directory, problems);
    Security security = security(root, directory);
    GatewayIdentity identity = identity(root, directory, security.mode());
    Set<String> deviceIds = new HashSet<>();
    List<OpcUaDevice> opcuaDevices = new ArrayList<>();
    List<Path> tagFiles = new ArrayList<>();
    List<ModbusDevice> devices =
        devices(
            root, deviceIds, opcuaDevices, identity.securityMode(), directory, problems, tagFiles);
    Set<String> uplinkIds = new HashSet<>();
    List<UplinkSettings> uplinks =
        UplinkReader.read(root, identity.securityMode(), directory, uplinkIds);
    EnvelopeSettings envelopes = EnvelopeReader.read(root, directory);
    OutboxSettings outbox = OutboxReader.read(root, identity.securityMode());
    AttestationSettings attestation = AttestationReader.read(root);
    ObservabilitySettings observability = ObservabilityReader.read(root);
    int beforePolicy = problems.size();
    PolicyReader policyReader =
        new PolicyReader(directory, problems, new Substitution(environment, directory));
    Optional<Policy> policy = policyReader.read(root, identity.securityMode());
    boolean policyUsable = problems.size() == beforePolicy;
    Optional<CommandSettings> commands = PolicyReader.commands(root, directory);
    root.rejectUnknownKeys();

    Set<String> routeIds = new HashSet<>();
    List<RouteFileCheck.DeviceUse> deviceUses = new ArrayList<>();
    try (CamelRouteGrammar grammar = new CamelRouteGrammar()) {
      for (Path routeFile : routeFiles) {
        RouteFileCheck check = new RouteFileCheck(directory, routeFile, problems);
        check.check(deviceIds, uplinkIds, routeIds, grammar);
        deviceUses.addAll(check.deviceUses());
      }
    }
    if (identity.securityMode() == SecurityMode.PRODUCTION && policyUsable) {
      for (RouteFileCheck.DeviceUse use : deviceUses) {
        if (policy.isEmpty() || !policy.get().coversDevice(use.device())) {
          problems.at(
              use.file(),
              use.uri(),
              use.field(),
              "device '"
                  + use.device()
                  + "' is covered by no telemetry rule: production mode needs a policy for every"
                  + " routed device (trustbridge.yaml 'policies:')");
        }
      }
    }
    OptionalLong configVersion = OptionalLong.empty();
    if (security.requireSignedConfig() && security.configSigners().isPresent()) {
      List<Path> signed = new ArrayList<>();
      signed.add(directory.resolve(MAIN_FILE));
      signed.addAll(routeFiles);
      signed.addAll(policyReader.files());
      signed.addAll(tagFiles);
      configVersion =
          ConfigBundle.check(directory, security.configSigners().get(), signed, problems);
    }
    problems.throwIfAny();
    return new GatewayConfig(
        directory,
        identity,
        devices,
        opcuaDevices,
        uplinks,
        envelopes,
        outbox,
        observability,
        routeFiles,
        policyReader.files(),
        tagFiles,
        policy,
        commands,
        attestation,
        configVersion);
  }

  /**
   * Loads only who the gateway is and where its identity key lives, as the {@code keys} commands
   * need before devices, uplinks and routes are configured; other sections are not checked.
   */
  public GatewayIdentity loadIdentity(Path directory) throws ConfigException {
    Problems problems = new Problems();
    YamlMapping root = root(directory, problems);
    GatewayIdentity identity = identity(root, directory, security(root, directory).mode());
    problems.throwIfAny();
    return identity;
  }

  private YamlMapping root(Path directory, Problems problems) throws ConfigException {
    Optional<Node> document = YamlFiles.parse(directory.resolve(MAIN_FILE), MAIN_FILE, problems);
    if (document.isEmpty()) {
      problems.throwIfAny();
    }
    return YamlMapping.root(
        MAIN_FILE, document.orElseThrow(), problems, new Substitution(environment, directory));
  }

  /**
   * The {@code security} section.
   *
   * @param configSigners the CA certificates whose holders may sign configuration bundles
   */
  private record Security(
      SecurityMode mode, boolean requireSignedConfig, Optional<Path> configSigners) {}

  private static Security security(YamlMapping root, Path directory) {
    return root.mapping("security")
        .map(
            section -> {
              SecurityMode mode =
                  section.choice(
                      "mode",
                      SecurityMode.PRODUCTION,
                      SecurityMode.values(),
                      SecurityMode::configName);
              boolean required = section.flag("requireSignedConfig", false);
              Optional<Path> signers =
                  section.optionalString("configSigners").map(directory::resolve);
              if (required && signers.isEmpty()) {
                section.problem(
                    "requireSignedConfig",
                    "needs configSigners: the CA certificate(s) of who may sign configuration");
              }
              section.rejectUnknownKeys();
              return new Security(mode, required, signers);
            })
        .orElse(new Security(SecurityMode.PRODUCTION, false, Optional.empty()));
  }

  private static GatewayIdentity identity(YamlMapping root, Path directory, SecurityMode mode) {
    String site = id(root, "site");
    String gateway = id(root, "gateway");
    // a placeholder when the vault section has problems: they are thrown before it is used
    IdentityConfig vault =
        VaultReader.read(root, mode, directory)
            .orElse(new IdentityConfig(new VaultConfig.Software(directory, new char[0]), ""));
    return new GatewayIdentity(site, gateway, mode, vault);
  }

  private static String id(YamlMapping mapping, String key) {
    Optional<String> value = mapping.requiredString(key);
    if (value.isPresent() && !ID.matcher(value.get()).matches()) {
      mapping.problem(
          key,
          "'" + value.get() + "' is not a valid id (letters, digits, '.', '_', '-'; at most 64)");
      return "";
    }
    return value.orElse("");
  }

  static List<Path> routeFiles(Path directory, Problems problems) {
    Path routes = directory.resolve(ROUTES_DIRECTORY);
    if (!Files.isDirectory(routes)) {
      problems.inFile(ROUTES_DIRECTORY + "/", "directory not found in " + directory);
      return List.of();
    }
    try (Stream<Path> files = Files.list(routes)) {
      List<Path> found =
          files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
      if (found.isEmpty()) {
        problems.inFile(ROUTES_DIRECTORY + "/", "holds no *.camel.yaml route file");
      }
      return found;
    } catch (IOException e) {
      problems.inFile(ROUTES_DIRECTORY + "/", "cannot be listed: " + e.getMessage());
      return List.of();
    }
  }

  /**
   * @param ids receives every declared device id, including those of devices with problems, so that
   *     routes naming them are not reported a second time
   * @param opcuaDevices receives the OPC UA devices
   * @param tagFiles receives the CSV tag lists that devices name
   * @return the Modbus devices
   */
  private static List<ModbusDevice> devices(
      YamlMapping root,
      Set<String> ids,
      List<OpcUaDevice> opcuaDevices,
      SecurityMode mode,
      Path directory,
      Problems problems,
      List<Path> tagFiles) {
    List<ModbusDevice> devices = new ArrayList<>();
    for (YamlMapping device : root.mappings("devices", true)) {
      String id = id(device, "id");
      if (!id.isEmpty() && !ids.add(id)) {
        device.problem("id", "device '" + id + "' is declared twice");
      }
      String protocol = device.requiredString("protocol").orElse("");
      if (protocol.equals("opcua")) {
        OpcUaDeviceReader.read(device, id, mode, directory, problems, tagFiles)
            .ifPresent(opcuaDevices::add);
        continue;
      }
      if (!protocol.isEmpty() && !protocol.equals("modbus")) {
        device.problem(
            "protocol", "unknown protocol '" + protocol + "' (expected one of: modbus, opcua)");
      }
      String endpoint = device.requiredString("endpoint").orElse("");
      int unitId = device.integer("unitId", 1, 0, 255);
      Duration pollInterval = device.duration("pollInterval", Duration.ofSeconds(1));
      Duration timeout = device.duration("timeout", Duration.ofSeconds(2));
      List<ModbusTag> tags = tags(device, ModbusTagReader.COLUMNS, directory, problems, tagFiles);
      Optional<ModbusFingerprint> fingerprint = ModbusFingerprintReader.read(device);
      device.rejectUnknownKeys();
      Optional<HostAndPort> address = HostAndPort.parse(endpoint, 502);
      if (!endpoint.isEmpty() && address.isEmpty()) {
        device.problem("endpoint", "'" + endpoint + "' is not host:port, e.g. 10.0.0.5:502");
      }
      if (!id.isEmpty() && address.isPresent() && protocol.equals("modbus") && !tags.isEmpty()) {
        try {
          devices.add(
              new ModbusDevice(
                  id,
                  address.get().host(),
                  address.get().port(),
                  unitId,
                  pollInterval,
                  timeout,
                  tags,
                  fingerprint));
        } catch (IllegalArgumentException e) {
          device.problem(e.getMessage());
        }
      }
    }
    return devices;
  }

  /**
   * A device's tags, listed under {@code tags} or in the CSV file {@code tagFile}.
   *
   * @param tagFiles receives the CSV tag list when the device names one
   */
  static <T> List<T> tags(
      YamlMapping device,
      TagColumns<T> kind,
      Path directory,
      Problems problems,
      List<Path> tagFiles) {
    Optional<String> tagFile = device.optionalString("tagFile");
    if (tagFile.isPresent()) {
      if (device.has("tags")) {
        device.problem("tagFile", "give the tags either under 'tags' or in 'tagFile', not both");
        device.mappings("tags", false);
      }
      Path file = directory.resolve(tagFile.get());
      tagFiles.add(file);
      return CsvTagList.read(file, tagFile.get(), problems, kind);
    }
    if (!device.has("tags")) {
      device.problem(
          "tags", "is required: list the tags here, or name a CSV tag list in 'tagFile'");
    }
    List<T> tags = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlMapping tag : device.mappings("tags", false)) {
      Optional<T> read = kind.reader().read(tag, names);
      tag.rejectUnknownKeys();
      read.ifPresent(tags::add);
    }
    return tags;
  }
}
