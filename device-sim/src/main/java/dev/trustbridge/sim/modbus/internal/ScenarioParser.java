package dev.trustbridge.sim.modbus.internal;

import dev.trustbridge.sim.modbus.Table;
import dev.trustbridge.sim.scenario.ScenarioException;
import dev.trustbridge.sim.scenario.internal.Generator;
import dev.trustbridge.sim.scenario.internal.ScenarioReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a scenario from YAML into a {@link ScenarioConfig}, checking everything and reporting every
 * problem at once with {@code source:line:column} and the field's path.
 */
public final class ScenarioParser extends ScenarioReader {

  private static final Duration DEFAULT_TICK = Duration.ofSeconds(1);
  private static final Duration MIN_TICK = Duration.ofMillis(10);
  private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private static final Map<String, Table> TABLES = byName(Table.values(), Table::scenarioName);
  private static final Map<String, PointType> TYPES =
      byName(PointType.values(), PointType::scenarioName);
  private static final Map<String, Order> ORDERS =
      Map.of("bigEndian", Order.BIG_ENDIAN, "littleEndian", Order.LITTLE_ENDIAN);

  private ScenarioParser(String source) {
    super(source);
  }

  /**
   * @throws ScenarioException listing every problem found
   */
  public static ScenarioConfig parse(String yaml, String source) {
    ScenarioParser parser = new ScenarioParser(source);
    ScenarioConfig config = parser.scenario(parser.compose(yaml));
    parser.throwIfProblems();
    return config;
  }

  private ScenarioConfig scenario(Node root) {
    Map<String, Node> fields =
        mapping(root, "scenario", List.of("tick", "devices"), Set.of("devices"));
    Duration tick = DEFAULT_TICK;
    if (fields.containsKey("tick")) {
      Node node = fields.get("tick");
      tick = duration(node, "tick").orElse(DEFAULT_TICK);
      if (tick.compareTo(MIN_TICK) < 0) {
        problem(node, "tick", "must be at least 10ms, got " + tick.toMillis() + "ms");
      }
    }
    List<DeviceConfig> devices = new ArrayList<>();
    if (fields.containsKey("devices")) {
      Node devicesNode = fields.get("devices");
      List<Node> nodes = sequence(devicesNode, "devices");
      if (nodes.isEmpty() && devicesNode instanceof SequenceNode) {
        problem(devicesNode, "devices", "a scenario needs at least one device");
      }
      Map<String, String> ids = new HashMap<>();
      Map<Integer, String> ports = new HashMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        device(nodes.get(i), "devices[" + i + "]", ids, ports).ifPresent(devices::add);
      }
    }
    return new ScenarioConfig(source(), tick, devices);
  }

  private Optional<DeviceConfig> device(
      Node node, String path, Map<String, String> ids, Map<Integer, String> ports) {
    int before = problemCount();
    Map<String, Node> fields =
        mapping(node, path, List.of("id", "port", "unitId", "points"), Set.of("id", "points"));
    Optional<String> id = Optional.empty();
    if (fields.containsKey("id")) {
      Node idNode = fields.get("id");
      id = text(idNode, path + ".id");
      if (id.isPresent() && !DEVICE_ID.matcher(id.get()).matches()) {
        problem(idNode, path + ".id", "'" + id.get() + "' must be letters, digits, '.', '_', '-'");
      } else if (id.isPresent() && ids.containsKey(id.get())) {
        problem(
            idNode,
            path + ".id",
            "duplicate device id '" + id.get() + "', first at " + ids.get(id.get()));
      }
      id.ifPresent(value -> ids.putIfAbsent(value, location(idNode)));
    }
    int port = 0;
    if (fields.containsKey("port")) {
      Node portNode = fields.get("port");
      port = integer(portNode, path + ".port", 0, 65535).orElse(0);
      if (port != 0 && ports.containsKey(port)) {
        problem(
            portNode, path + ".port", "port " + port + " is already used at " + ports.get(port));
      } else if (port != 0) {
        ports.put(port, location(portNode));
      }
    }
    int unitId = 1;
    if (fields.containsKey("unitId")) {
      unitId = integer(fields.get("unitId"), path + ".unitId", 0, 255).orElse(1);
    }
    List<PointConfig> points = new ArrayList<>();
    if (fields.containsKey("points")) {
      Node pointsNode = fields.get("points");
      List<Node> nodes = sequence(pointsNode, path + ".points");
      if (nodes.isEmpty() && pointsNode instanceof SequenceNode) {
        problem(pointsNode, path + ".points", "a device needs at least one point");
      }
      Map<Table, TreeMap<Integer, PointConfig>> occupied = new HashMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        String pointPath = path + ".points[" + i + "]";
        Node pointNode = nodes.get(i);
        point(pointNode, pointPath)
            .filter(point -> free(occupied, point, pointNode, pointPath))
            .ifPresent(points::add);
      }
    }
    if (problemCount() > before || id.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DeviceConfig(id.get(), port, unitId, points, location(node)));
  }

  private boolean free(
      Map<Table, TreeMap<Integer, PointConfig>> occupied,
      PointConfig point,
      Node node,
      String path) {
    TreeMap<Integer, PointConfig> table =
        occupied.computeIfAbsent(point.table(), t -> new TreeMap<>());
    Map.Entry<Integer, PointConfig> below = table.floorEntry(point.lastAddress());
    if (below != null && below.getValue().lastAddress() >= point.address()) {
      PointConfig other = below.getValue();
      problem(
          node,
          path,
          point.describe() + " overlaps " + other.describe() + " at " + other.location());
      return false;
    }
    table.put(point.address(), point);
    return true;
  }

  private Optional<PointConfig> point(Node node, String path) {
    int before = problemCount();
    Map<String, Node> fields =
        mapping(
            node,
            path,
            List.of("table", "address", "type", "byteOrder", "wordOrder", "value"),
            Set.of("table", "address", "type", "value"));
    Optional<Table> table = choice(fields.get("table"), path + ".table", TABLES);
    Optional<PointType> type = choice(fields.get("type"), path + ".type", TYPES);
    Optional<Integer> address = integer(fields.get("address"), path + ".address", 0, 65535);
    Order byteOrder =
        choice(fields.get("byteOrder"), path + ".byteOrder", ORDERS).orElse(Order.BIG_ENDIAN);
    Order wordOrder =
        choice(fields.get("wordOrder"), path + ".wordOrder", ORDERS).orElse(Order.BIG_ENDIAN);
    if (table.isPresent() && type.isPresent()) {
      boolean bitType = type.get() == PointType.BOOL;
      if (table.get().holdsBits() != bitType) {
        problem(
            fields.get("type"),
            path + ".type",
            bitType
                ? "bool fits only coil and discreteInput, not " + table.get().scenarioName()
                : table.get().scenarioName() + " holds bool, not " + type.get().scenarioName());
      }
    }
    if (type.isPresent()) {
      if (type.get() == PointType.BOOL && fields.containsKey("byteOrder")) {
        problem(fields.get("byteOrder"), path + ".byteOrder", "applies only to register types");
      }
      if (type.get().width() == 1 && fields.containsKey("wordOrder")) {
        problem(fields.get("wordOrder"), path + ".wordOrder", "applies only to 32-bit types");
      }
      if (address.isPresent() && address.get() + type.get().width() > 65536) {
        problem(
            fields.get("address"),
            path + ".address",
            type.get().scenarioName() + " at " + address.get() + " runs past address 65535");
      }
    }
    Optional<Generator> generator =
        type.flatMap(t -> generator(fields.get("value"), path + ".value", t));
    if (problemCount() > before
        || table.isEmpty()
        || type.isEmpty()
        || address.isEmpty()
        || generator.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new PointConfig(
            table.get(),
            address.get(),
            type.get(),
            byteOrder,
            wordOrder,
            generator.get(),
            location(node)));
  }

  private Optional<Generator> generator(Node node, String path, PointType type) {
    return generatorField(node, path, NUMERIC_GENERATORS)
        .flatMap(
            field -> {
              String at = path + "." + field.getKey();
              if (type != PointType.BOOL) {
                return numericGenerator(field.getKey(), field.getValue(), at, type);
              }
              if (!field.getKey().equals("constant")) {
                problem(field.getValue(), at, "bool points take only constant: true or false");
                return Optional.empty();
              }
              return bool(field.getValue(), at).map(value -> new Generator.Constant(value ? 1 : 0));
            });
  }

  private static <T> Map<String, T> byName(T[] values, Function<T, String> name) {
    return Arrays.stream(values).collect(Collectors.toUnmodifiableMap(name, v -> v));
  }
}
