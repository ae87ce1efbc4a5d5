package dev.trustbridge.sim.opcua.internal;

import dev.trustbridge.sim.scenario.ScenarioException;
import dev.trustbridge.sim.scenario.internal.NumericType;
import dev.trustbridge.sim.scenario.internal.ScenarioReader;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads an OPC UA scenario from YAML into a {@link SimulatorConfig}, checking everything and
 * reporting every problem at once with {@code source:line:column} and the field's path.
 */
public final class OpcUaScenarioParser extends ScenarioReader {

  private static final Duration DEFAULT_TICK = Duration.ofSeconds(1);
  private static final Duration MIN_TICK = Duration.ofMillis(10);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private static final List<SecurityPolicy> ALL_POLICIES =
      List.of(
          SecurityPolicy.None,
          SecurityPolicy.Basic256Sha256,
          SecurityPolicy.Aes128_Sha256_RsaOaep,
          SecurityPolicy.Aes256_Sha256_RsaPss);
  private static final List<MessageSecurityMode> ALL_MODES =
      List.of(MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt);

  private static final Map<String, SecurityPolicy> POLICIES =
      byName(ALL_POLICIES, SecurityPolicy::name);
  private static final Map<String, MessageSecurityMode> MODES =
      byName(ALL_MODES, MessageSecurityMode::name);
  private static final Map<String, VariableType> TYPES =
      byName(Arrays.asList(VariableType.values()), VariableType::scenarioName);
  private static final Map<String, Boolean> CLIENT_CERTIFICATES =
      Map.of("trustList", false, "acceptAll", true);

  private static final List<String> BOOLEAN_GENERATORS = List.of("constant", "toggle");
  private static final List<String> STRING_GENERATORS = List.of("constant", "cycle");
  private static final List<String> DATE_TIME_GENERATORS = List.of("constant", "now");

  private OpcUaScenarioParser(String source) {
    super(source);
  }

  /**
   * @throws ScenarioException listing every problem found
   */
  public static SimulatorConfig parse(String yaml, String source) {
    OpcUaScenarioParser parser = new OpcUaScenarioParser(source);
    Optional<SimulatorConfig> config = parser.scenario(parser.compose(yaml));
    parser.throwIfProblems();
    return config.orElseThrow(
        () -> new IllegalStateException("a scenario without problems is complete"));
  }

  private Optional<SimulatorConfig> scenario(Node root) {
    Map<String, Node> fields =
        mapping(
            root,
            "scenario",
            List.of("name", "port", "tick", "security", "nodes"),
            Set.of("name", "nodes"));
    Optional<String> name = name(fields.get("name"), "name");
    int port = 0;
    if (fields.containsKey("port")) {
      port = integer(fields.get("port"), "port", 0, 65535).orElse(0);
    }
    Duration tick = DEFAULT_TICK;
    if (fields.containsKey("tick")) {
      Node node = fields.get("tick");
      tick = duration(node, "tick").orElse(DEFAULT_TICK);
      if (tick.compareTo(MIN_TICK) < 0) {
        problem(node, "tick", "must be at least 10ms, got " + tick.toMillis() + "ms");
      }
    }
    SecurityConfig security =
        fields.containsKey("security")
            ? security(fields.get("security"), "security")
            : new SecurityConfig(ALL_POLICIES, ALL_MODES, false, true, List.of(), false);
    List<NodeConfig> nodes = List.of();
    if (fields.containsKey("nodes")) {
      nodes = nodes(fields.get("nodes"), "nodes", "", "a scenario");
    }
    if (name.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SimulatorConfig(source(), name.get(), port, tick, security, nodes));
  }

  private SecurityConfig security(Node node, String path) {
    Map<String, Node> fields =
        mapping(
            node,
            path,
            List.of(
                "policies",
                "modes",
                "clientCertificates",
                "anonymous",
                "users",
                "userCertificates"),
            Set.of());
    List<SecurityPolicy> policies = ALL_POLICIES;
    if (fields.containsKey("policies")) {
      policies = choices(fields.get("policies"), path + ".policies", POLICIES);
    }
    List<MessageSecurityMode> modes = ALL_MODES;
    if (fields.containsKey("modes")) {
      Node modesNode = fields.get("modes");
      modes = choices(modesNode, path + ".modes", MODES);
      if (!policies.isEmpty() && policies.stream().allMatch(p -> p == SecurityPolicy.None)) {
        problem(modesNode, path + ".modes", "applies only to policies other than None");
      }
    }
    boolean acceptAllClients =
        choice(fields.get("clientCertificates"), path + ".clientCertificates", CLIENT_CERTIFICATES)
            .orElse(false);
    boolean anonymous = bool(fields.get("anonymous"), path + ".anonymous").orElse(true);
    List<SecurityConfig.User> users = List.of();
    if (fields.containsKey("users")) {
      users = users(fields.get("users"), path + ".users");
    }
    boolean userCertificates =
        bool(fields.get("userCertificates"), path + ".userCertificates").orElse(false);
    if (!anonymous && users.isEmpty() && !userCertificates && !fields.containsKey("users")) {
      problem(
          node,
          path,
          "offers no user token; allow anonymous, add users or set userCertificates: true");
    }
    return new SecurityConfig(
        policies, modes, acceptAllClients, anonymous, users, userCertificates);
  }

  /** A non-empty list of distinct choices. */
  private <T> List<T> choices(Node node, String path, Map<String, T> choices) {
    List<Node> elements = sequence(node, path);
    if (elements.isEmpty() && node instanceof SequenceNode) {
      problem(node, path, "needs at least one value");
    }
    List<T> chosen = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      Node element = elements.get(i);
      String at = path + "[" + i + "]";
      choice(element, at, choices)
          .ifPresent(
              value -> {
                if (chosen.contains(value)) {
                  problem(element, at, "appears twice");
                } else {
                  chosen.add(value);
                }
              });
    }
    return chosen;
  }

  private List<SecurityConfig.User> users(Node node, String path) {
    List<Node> elements = sequence(node, path);
    if (elements.isEmpty() && node instanceof SequenceNode) {
      problem(node, path, "needs at least one user; leave users out to offer no username token");
    }
    Map<String, String> seen = new HashMap<>();
    List<SecurityConfig.User> users = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      String at = path + "[" + i + "]";
      Map<String, Node> fields =
          mapping(
              elements.get(i), at, List.of("username", "password"), Set.of("username", "password"));
      Optional<String> username = text(fields.get("username"), at + ".username");
      Optional<String> password = rawText(fields.get("password"), at + ".password");
      if (username.isPresent() && seen.containsKey(username.get())) {
        problem(
            fields.get("username"),
            at + ".username",
            "duplicate user '" + username.get() + "', first at " + seen.get(username.get()));
      } else if (username.isPresent() && password.isPresent()) {
        seen.put(username.get(), location(fields.get("username")));
        users.add(new SecurityConfig.User(username.get(), password.get()));
      }
    }
    return users;
  }

  /**
   * The nodes of a list; {@code parentPath} is the node path of the folder that holds them, empty
   * at the top.
   */
  private List<NodeConfig> nodes(Node node, String path, String parentPath, String holder) {
    List<Node> elements = sequence(node, path);
    if (elements.isEmpty() && node instanceof SequenceNode) {
      problem(node, path, holder + " needs at least one node");
    }
    Map<String, String> names = new HashMap<>();
    List<NodeConfig> nodes = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      node(elements.get(i), path + "[" + i + "]", parentPath, names).ifPresent(nodes::add);
    }
    return nodes;
  }

  private Optional<NodeConfig> node(
      Node node, String path, String parentPath, Map<String, String> siblings) {
    Set<String> keys = keys(node);
    boolean folder = keys.contains("folder");
    boolean variable = keys.contains("variable");
    if (folder == variable) {
      problem(
          node,
          path,
          folder
              ? "is either a folder or a variable, not both"
              : "needs either folder: NAME or variable: NAME");
      return Optional.empty();
    }
    int before = problemCount();
    Map<String, Node> fields =
        folder
            ? mapping(
                node, path, List.of("folder", "description", "nodes"), Set.of("folder", "nodes"))
            : mapping(
                node,
                path,
                List.of("variable", "type", "value", "writable", "description"),
                Set.of("variable", "type", "value"));
    String nameField = folder ? "folder" : "variable";
    Node nameNode = fields.get(nameField);
    Optional<String> name = name(nameNode, path + "." + nameField);
    if (name.isPresent() && siblings.containsKey(name.get())) {
      problem(
          nameNode,
          path + "." + nameField,
          "duplicate name '"
              + name.get()
              + "'"
              + (parentPath.isEmpty() ? "" : " in " + parentPath)
              + ", first at "
              + siblings.get(name.get()));
    }
    name.ifPresent(value -> siblings.putIfAbsent(value, location(nameNode)));
    String nodePath =
        name.map(value -> parentPath.isEmpty() ? value : parentPath + "/" + value).orElse("");
    String description = "";
    if (fields.containsKey("description")) {
      description = rawText(fields.get("description"), path + ".description").orElse("");
    }
    if (folder) {
      List<NodeConfig> children =
          fields.containsKey("nodes")
              ? nodes(fields.get("nodes"), path + ".nodes", nodePath, "a folder")
              : List.of();
      if (problemCount() > before || name.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new NodeConfig.Folder(name.get(), nodePath, description, children, location(node)));
    }
    Optional<VariableType> type = choice(fields.get("type"), path + ".type", TYPES);
    Optional<ValueSource> value =
        type.flatMap(t -> valueSource(fields.get("value"), path + ".value", t));
    boolean writable = bool(fields.get("writable"), path + ".writable").orElse(false);
    if (problemCount() > before || name.isEmpty() || type.isEmpty() || value.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new NodeConfig.Variable(
            name.get(), nodePath, description, type.get(), value.get(), writable, location(node)));
  }

  private Optional<ValueSource> valueSource(Node node, String path, VariableType type) {
    Optional<NumericType> numeric = type.numeric();
    List<String> generators =
        numeric.isPresent()
            ? NUMERIC_GENERATORS
            : switch (type) {
              case BOOLEAN -> BOOLEAN_GENERATORS;
              case STRING -> STRING_GENERATORS;
              default -> DATE_TIME_GENERATORS;
            };
    return generatorField(node, path, generators)
        .flatMap(
            field -> {
              String name = field.getKey();
              Node body = field.getValue();
              String at = path + "." + name;
              if (numeric.isPresent()) {
                return numericGenerator(name, body, at, numeric.get())
                    .map(ValueSource.Numeric::new);
              }
              return switch (name) {
                case "constant" -> constant(body, at, type);
                case "toggle" -> periodOnly(body, at).map(ValueSource.Toggle::new);
                case "cycle" -> cycle(body, at);
                default -> now(body, at);
              };
            });
  }

  private Optional<ValueSource> constant(Node node, String path, VariableType type) {
    Optional<Object> value =
        switch (type) {
          case BOOLEAN -> bool(node, path).map(Object.class::cast);
          case STRING -> rawText(node, path).map(Object.class::cast);
          default -> dateTime(node, path).map(Object.class::cast);
        };
    return value.map(ValueSource.Fixed::new);
  }

  private Optional<Duration> periodOnly(Node node, String path) {
    Map<String, Node> fields = mapping(node, path, List.of("period"), Set.of("period"));
    return duration(fields.get("period"), path + ".period");
  }

  private Optional<ValueSource> cycle(Node node, String path) {
    int before = problemCount();
    Map<String, Node> fields =
        mapping(node, path, List.of("values", "period"), Set.of("values", "period"));
    List<String> values = new ArrayList<>();
    if (fields.containsKey("values")) {
      Node valuesNode = fields.get("values");
      List<Node> elements = sequence(valuesNode, path + ".values");
      if (elements.isEmpty() && valuesNode instanceof SequenceNode) {
        problem(valuesNode, path + ".values", "needs at least one value");
      }
      for (int i = 0; i < elements.size(); i++) {
        rawText(elements.get(i), path + ".values[" + i + "]").ifPresent(values::add);
      }
    }
    Optional<Duration> period = duration(fields.get("period"), path + ".period");
    if (problemCount() > before || period.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ValueSource.Cycle(values, period.get()));
  }

  private Optional<ValueSource> now(Node node, String path) {
    if (node instanceof MappingNode mapping && mapping.getValue().isEmpty()) {
      return Optional.of(new ValueSource.Clock());
    }
    problem(node, path, "takes no parameters; write now: {}");
    return Optional.empty();
  }

  private Optional<DateTime> dateTime(Node node, String path) {
    return text(node, path)
        .flatMap(
            value -> {
              try {
                DateTime time = new DateTime(OffsetDateTime.parse(value).toInstant());
                if (time.isValid()) {
                  return Optional.of(time);
                }
                problem(node, path, "must lie between the years 1601 and 9999, got " + value);
              } catch (DateTimeParseException e) {
                problem(
                    node,
                    path,
                    "expected a time like 2026-01-15T06:00:00Z (ISO 8601 with offset), got '"
                        + value
                        + "'");
              }
              return Optional.empty();
            });
  }

  private Optional<String> name(Node node, String path) {
    return text(node, path)
        .filter(
            value -> {
              if (NAME.matcher(value).matches()) {
                return true;
              }
              problem(node, path, "'" + value + "' must be letters, digits, '.', '_', '-'");
              return false;
            });
  }

  /**
   * A scalar exactly as written, untrimmed; quoted empty text ({@code ""}) is a value, an empty
   * plain scalar is none.
   */
  private Optional<String> rawText(Node node, String path) {
    if (node == null) {
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar
        && !(scalar.getValue().isEmpty() && scalar.getScalarStyle() == ScalarStyle.PLAIN)) {
      return Optional.of(scalar.getValue());
    }
    problem(node, path, "expected text; write \"\" for empty text");
    return Optional.empty();
  }

  private static Set<String> keys(Node node) {
    if (!(node instanceof MappingNode mapping)) {
      return Set.of();
    }
    return mapping.getValue().stream()
        .map(NodeTuple::getKeyNode)
        .filter(ScalarNode.class::isInstance)
        .map(key -> ((ScalarNode) key).getValue())
        .collect(Collectors.toSet());
  }

  private static <T> Map<String, T> byName(List<T> values, Function<T, String> name) {
    Map<String, T> map = new LinkedHashMap<>();
    values.forEach(value -> map.put(name.apply(value), value));
    return Map.copyOf(map);
  }
}
