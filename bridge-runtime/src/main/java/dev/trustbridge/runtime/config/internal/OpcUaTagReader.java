package dev.trustbridge.runtime.config.internal;

import dev.trustbridge.adapters.opcua.OpcUaDeadband;
import dev.trustbridge.adapters.opcua.OpcUaTag;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one OPC UA tag from its fields, written in {@code trustbridge.yaml} or in a row of a CSV
 * tag list: the same keys, defaults and checks in both. The deadband, a nested mapping in YAML, is
 * the two columns {@code deadband.type} and {@code deadband.value} in CSV.
 */
public final class OpcUaTagReader {

  /** The keys of a tag, which are also the columns of a CSV tag list. */
  public static final TagColumns<OpcUaTag> COLUMNS =
      new TagColumns<>(
          List.of(
              "name",
              "nodeId",
              "mode",
              "samplingInterval",
              "queueSize",
              "deadband.type",
              "deadband.value",
              "unit"),
          Set.of("name", "nodeId"),
          OpcUaTagReader::read);

  private enum Mode {
    SUBSCRIBE("subscribe", OpcUaTag.Mode.SUBSCRIBE),
    POLL("poll", OpcUaTag.Mode.POLL);

    final String configName;
    final OpcUaTag.Mode mode;

    Mode(String configName, OpcUaTag.Mode mode) {
      this.configName = configName;
      this.mode = mode;
    }
  }

  private enum Deadband {
    NONE("none", OpcUaDeadband.Type.NONE),
    ABSOLUTE("absolute", OpcUaDeadband.Type.ABSOLUTE),
    PERCENT("percent", OpcUaDeadband.Type.PERCENT);

    final String configName;
    final OpcUaDeadband.Type type;

    Deadband(String configName, OpcUaDeadband.Type type) {
      this.configName = configName;
      this.type = type;
    }
  }

  private OpcUaTagReader() {}

  /**
   * The tag, or empty when it has a problem (recorded).
   *
   * @param names the names of the device's tags read so far; this one's is added
   */
  public static Optional<OpcUaTag> read(Fields tag, Set<String> names) {
    String name = tag.requiredString("name").orElse("");
    boolean duplicate = !name.isEmpty() && !names.add(name);
    if (duplicate) {
      tag.problem("name", "tag '" + name + "' is declared twice on this device");
    }
    String nodeId = tag.requiredString("nodeId").orElse("");
    Mode mode = tag.choice("mode", Mode.SUBSCRIBE, Mode.values(), m -> m.configName);
    Duration sampling = tag.duration("samplingInterval", Duration.ofSeconds(1));
    int queueSize = tag.integer("queueSize", 1, 1, 10_000);
    OpcUaDeadband deadband =
        tag.section("deadband").map(OpcUaTagReader::deadband).orElse(OpcUaDeadband.none());
    String unit = tag.optionalString("unit").orElse("");
    if (name.isEmpty() || nodeId.isEmpty()) {
      return Optional.empty();
    }
    try {
      OpcUaTag read = new OpcUaTag(name, nodeId, mode.mode, sampling, queueSize, deadband, unit);
      // a second tag of one name is checked like any other, then left out
      return duplicate ? Optional.empty() : Optional.of(read);
    } catch (IllegalArgumentException e) {
      tag.problem(e.getMessage());
      return Optional.empty();
    }
  }

  private static OpcUaDeadband deadband(Fields deadband) {
    Deadband type =
        deadband.choice("type", Deadband.ABSOLUTE, Deadband.values(), d -> d.configName);
    double value = deadband.number("value", 0);
    deadband.rejectUnknownKeys();
    try {
      return new OpcUaDeadband(type.type, value);
    } catch (IllegalArgumentException e) {
      deadband.problem(e.getMessage());
      return OpcUaDeadband.none();
    }
  }
}
