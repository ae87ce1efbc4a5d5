package dev.trustbridge.sim.modbus.internal;

import dev.trustbridge.sim.modbus.ScenarioException;
import dev.trustbridge.sim.modbus.Table;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a scenario from YAML into a {@link ScenarioConfig}, checking everything and reporting every
 * problem at once with {@code source:line:column} and the field's path.
 */
public final class ScenarioParser {

  private static final Duration DEFAULT_TICK = Duration.ofSeconds(1);
  private static final Duration MIN_TICK = Duration.ofMillis(10);
  private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
  private static final Pattern HEX = Pattern.compile("[-+]?0[xX][0-9a-fA-F]+");

  private static final Map<String, Table> TABLES = byName(Table.values(), Table::scenarioName);
  private static final Map<String, PointType> TYPES =
      byName(PointType.values(), PointType::scenarioName);
  private static final Map<String, Order> ORDERS =
      Map.of("bigEndian", Order.BIG_ENDIAN, "littleEndian", Order.LITTLE_ENDIAN);
  private static final List<String> GENERATORS =
      List.of("constant", "ramp", "sine", "randomWalk", "counter");

  private final String source;
  private final List<Problem> problems = new ArrayList<>();

  /** A problem and where it is; line and column are 1-based, 0 when unknown. */
  private record Problem(int line, int column, String text) {}

  private ScenarioParser(String source) {
    this.source = source;
  }

  /**
   * @throws ScenarioException listing every problem found
   */
  public static ScenarioConfig parse(String yaml, String source) {
    ScenarioParser parser = new ScenarioParser(source);
    Optional<Node> root;
    try {
      root = new Compose(LoadSettings.builder().setLabel(source).build()).composeString(yaml);
    } catch (MarkedYamlEngineException e) {
      String where = e.getProblemMark().map(parser::location).orElse(source);
      throw new ScenarioException(source, List.of(where + ": not valid YAML: " + e.getProblem()));
    } catch (YamlEngineException e) {
      throw new ScenarioException(source, List.of(source + ": not valid YAML: " + e.getMessage()));
    }
    if (root.isEmpty()) {
      throw new ScenarioException(source, List.of(source + ": the scenario is empty"));
    }
    ScenarioConfig config = parser.scenario(root.get());
    if (!parser.problems.isEmpty()) {
      throw new ScenarioException(
          source,
          parser.problems.stream()
              .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
              .map(Problem::text)
              .toList());
    }
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
    return new ScenarioConfig(source, tick, devices);
  }

  private Optional<DeviceConfig> device(
      Node node, String path, Map<String, String> ids, Map<Integer, String> ports) {
    int before = problems.size();
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
    if (problems.size() > before || id.isEmpty()) {
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
    int before = problems.size();
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
    if (problems.size() > before
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
    if (node == null) {
      return Optional.empty();
    }
    int before = problems.size();
    Map<String, Node> fields = mapping(node, path, GENERATORS, Set.of());
    if (fields.size() != 1) {
      if (problems.size() == before) {
        problem(node, path, "needs exactly one of " + String.join(", ", GENERATORS));
      }
      return Optional.empty();
    }
    Map.Entry<String, Node> entry = fields.entrySet().iterator().next();
    String name = entry.getKey();
    Node body = entry.getValue();
    String at = path + "." + name;
    if (type == PointType.BOOL) {
      if (!name.equals("constant")) {
        problem(body, at, "bool points take only constant: true or false");
        return Optional.empty();
      }
      return bool(body, at).map(value -> new Generator.Constant(value ? 1 : 0));
    }
    return switch (name) {
      case "constant" -> exact(body, at, type).map(Generator.Constant::new);
      case "ramp" -> ramp(body, at, type);
      case "sine" -> sine(body, at, type);
      case "randomWalk" -> randomWalk(body, at, type);
      default -> counter(body, at, type);
    };
  }

  private Optional<Generator> ramp(Node node, String path, PointType type) {
    int before = problems.size();
    Map<String, Node> f =
        mapping(node, path, List.of("from", "to", "period"), Set.of("from", "to", "period"));
    Optional<Double> from = inRange(f.get("from"), path + ".from", type);
    Optional<Double> to = inRange(f.get("to"), path + ".to", type);
    Optional<Duration> period = duration(f.get("period"), path + ".period");
    if (problems.size() > before || from.isEmpty() || to.isEmpty() || period.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Generator.Ramp(from.get(), to.get(), period.get()));
  }

  private Optional<Generator> sine(Node node, String path, PointType type) {
    int before = problems.size();
    Map<String, Node> f =
        mapping(
            node,
            path,
            List.of("offset", "amplitude", "period"),
            Set.of("offset", "amplitude", "period"));
    Optional<Double> offset = number(f.get("offset"), path + ".offset");
    Optional<Double> amplitude = number(f.get("amplitude"), path + ".amplitude");
    Optional<Duration> period = duration(f.get("period"), path + ".period");
    if (offset.isPresent() && amplitude.isPresent()) {
      double low = offset.get() - Math.abs(amplitude.get());
      double high = offset.get() + Math.abs(amplitude.get());
      if (!type.contains(low) || !type.contains(high)) {
        problem(
            f.get("amplitude"),
            path + ".amplitude",
            "the sine spans "
                + low
                + ".."
                + high
                + " but "
                + type.scenarioName()
                + " holds "
                + type.range());
      }
    }
    if (problems.size() > before || offset.isEmpty() || amplitude.isEmpty() || period.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Generator.Sine(offset.get(), amplitude.get(), period.get()));
  }

  private Optional<Generator> randomWalk(Node node, String path, PointType type) {
    int before = problems.size();
    Map<String, Node> f =
        mapping(
            node,
            path,
            List.of("start", "step", "min", "max", "seed"),
            Set.of("start", "step", "min", "max"));
    Optional<Double> start = inRange(f.get("start"), path + ".start", type);
    Optional<Double> step = number(f.get("step"), path + ".step");
    Optional<Double> min = inRange(f.get("min"), path + ".min", type);
    Optional<Double> max = inRange(f.get("max"), path + ".max", type);
    long seed = 0;
    if (f.containsKey("seed")) {
      seed = wholeNumber(f.get("seed"), path + ".seed").orElse(0L);
    }
    if (step.isPresent() && step.get() <= 0) {
      problem(f.get("step"), path + ".step", "must be greater than 0, got " + step.get());
    }
    if (min.isPresent() && max.isPresent() && min.get() >= max.get()) {
      problem(f.get("max"), path + ".max", "must be greater than min " + min.get());
    } else if (start.isPresent()
        && min.isPresent()
        && max.isPresent()
        && (start.get() < min.get() || start.get() > max.get())) {
      problem(f.get("start"), path + ".start", "must be within min..max, got " + start.get());
    }
    if (problems.size() > before
        || start.isEmpty()
        || step.isEmpty()
        || min.isEmpty()
        || max.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Generator.RandomWalk(start.get(), step.get(), min.get(), max.get(), seed));
  }

  private Optional<Generator> counter(Node node, String path, PointType type) {
    int before = problems.size();
    Map<String, Node> f = mapping(node, path, List.of("start", "increment"), Set.of());
    double start = 0;
    if (f.containsKey("start")) {
      start = exact(f.get("start"), path + ".start", type).orElse(0.0);
    }
    double increment = 1;
    if (f.containsKey("increment")) {
      Node incrementNode = f.get("increment");
      increment = number(incrementNode, path + ".increment").orElse(1.0);
      if (increment == 0) {
        problem(incrementNode, path + ".increment", "must not be 0; use constant");
      } else if (type.isWhole() && increment != Math.rint(increment)) {
        problem(
            incrementNode, path + ".increment", type.scenarioName() + " counts in whole numbers");
      }
    }
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new Generator.Counter(start, increment));
  }

  // --- YAML node access: each records a located problem and yields empty when the node is unfit.

  /**
   * The fields of a mapping by name. Reports unknown, duplicate and missing fields; yields no
   * fields when the node is no mapping.
   */
  private Map<String, Node> mapping(
      Node node, String path, List<String> allowed, Set<String> required) {
    Map<String, Node> fields = new LinkedHashMap<>();
    if (node == null) {
      return fields;
    }
    if (!(node instanceof MappingNode mappingNode)) {
      problem(node, path, "expected a mapping with " + String.join(", ", allowed));
      return fields;
    }
    for (NodeTuple tuple : mappingNode.getValue()) {
      Node key = tuple.getKeyNode();
      if (!(key instanceof ScalarNode scalarKey)) {
        problem(key, path, "field names must be plain words");
        continue;
      }
      String name = scalarKey.getValue();
      if (fields.containsKey(name)) {
        problem(key, path + "." + name, "appears twice");
      } else if (!allowed.contains(name)) {
        problem(
            key, path + "." + name, "unknown field; expected one of " + String.join(", ", allowed));
      } else {
        fields.put(name, tuple.getValueNode());
      }
    }
    for (String name : allowed) {
      if (required.contains(name) && !fields.containsKey(name)) {
        problem(node, path + "." + name, "is required");
      }
    }
    return fields;
  }

  private List<Node> sequence(Node node, String path) {
    if (node instanceof SequenceNode sequenceNode) {
      return sequenceNode.getValue();
    }
    problem(node, path, "expected a list");
    return List.of();
  }

  private Optional<String> text(Node node, String path) {
    if (node == null) {
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar && !scalar.getValue().isBlank()) {
      return Optional.of(scalar.getValue().trim());
    }
    problem(node, path, "expected a single value");
    return Optional.empty();
  }

  private <T> Optional<T> choice(Node node, String path, Map<String, T> choices) {
    return text(node, path)
        .flatMap(
            name -> {
              if (!choices.containsKey(name)) {
                String expected =
                    choices.keySet().stream().sorted().collect(Collectors.joining(", "));
                problem(node, path, "unknown value '" + name + "'; expected one of " + expected);
              }
              return Optional.ofNullable(choices.get(name));
            });
  }

  private Optional<Double> number(Node node, String path) {
    return text(node, path)
        .flatMap(
            value -> {
              double number = parseNumber(value);
              if (Double.isFinite(number)) {
                return Optional.of(number);
              }
              problem(node, path, "expected a number, got '" + value + "'");
              return Optional.empty();
            });
  }

  /** The number, or NaN when the text is none, so that callers report one kind of problem. */
  private static double parseNumber(String text) {
    try {
      return HEX.matcher(text).matches()
          ? Long.decode(text)
          : Double.parseDouble(text.replace("_", ""));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private Optional<Long> wholeNumber(Node node, String path) {
    return number(node, path)
        .flatMap(
            value -> {
              if (value != Math.rint(value) || Math.abs(value) > 1L << 53) {
                problem(node, path, "expected a whole number, got " + value);
                return Optional.empty();
              }
              return Optional.of(value.longValue());
            });
  }

  private Optional<Integer> integer(Node node, String path, int min, int max) {
    return wholeNumber(node, path)
        .flatMap(
            value -> {
              if (value < min || value > max) {
                problem(node, path, "must be within " + min + ".." + max + ", got " + value);
                return Optional.empty();
              }
              return Optional.of(value.intValue());
            });
  }

  /** A number the type can hold, rounding allowed. */
  private Optional<Double> inRange(Node node, String path, PointType type) {
    return number(node, path)
        .flatMap(
            value -> {
              if (!type.contains(value)) {
                problem(
                    node, path, type.scenarioName() + " holds " + type.range() + ", got " + value);
                return Optional.empty();
              }
              return Optional.of(value);
            });
  }

  /** A number the type holds exactly. */
  private Optional<Double> exact(Node node, String path, PointType type) {
    return number(node, path)
        .flatMap(
            value -> {
              Optional<String> problem = type.problemWith(value);
              problem.ifPresent(message -> problem(node, path, message));
              return problem.isPresent() ? Optional.empty() : Optional.of(value);
            });
  }

  private Optional<Boolean> bool(Node node, String path) {
    return text(node, path)
        .flatMap(
            value -> {
              if (value.equals("true") || value.equals("false")) {
                return Optional.of(Boolean.parseBoolean(value));
              }
              problem(node, path, "expected true or false, got '" + value + "'");
              return Optional.empty();
            });
  }

  private Optional<Duration> duration(Node node, String path) {
    return text(node, path)
        .flatMap(
            value -> {
              Matcher matcher = DURATION.matcher(value);
              if (matcher.matches()) {
                BigDecimal amount = new BigDecimal(matcher.group(1));
                long nanosPerUnit =
                    switch (matcher.group(2)) {
                      case "ms" -> 1_000_000L;
                      case "s" -> 1_000_000_000L;
                      case "m" -> 60_000_000_000L;
                      default -> 3_600_000_000_000L;
                    };
                long nanos = amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValue();
                if (nanos > 0) {
                  return Optional.of(Duration.ofNanos(nanos));
                }
              }
              problem(
                  node,
                  path,
                  "expected a positive duration like 500ms, 1s, 2m or 1h, got '" + value + "'");
              return Optional.empty();
            });
  }

  private void problem(Node node, String path, String message) {
    Optional<Mark> mark = node == null ? Optional.empty() : node.getStartMark();
    String where = mark.map(this::location).orElse(source);
    problems.add(
        new Problem(
            mark.map(m -> m.getLine() + 1).orElse(0),
            mark.map(m -> m.getColumn() + 1).orElse(0),
            where + ": " + path + ": " + message));
  }

  private String location(Node node) {
    return node.getStartMark().map(this::location).orElse(source);
  }

  private String location(Mark mark) {
    return source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }

  private static <T> Map<String, T> byName(T[] values, Function<T, String> name) {
    return Arrays.stream(values).collect(Collectors.toUnmodifiableMap(name, v -> v));
  }
}
