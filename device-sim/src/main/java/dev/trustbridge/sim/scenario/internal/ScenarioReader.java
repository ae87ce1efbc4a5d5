package dev.trustbridge.sim.scenario.internal;

import dev.trustbridge.sim.scenario.ScenarioException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * The base of each simulator's scenario parser: reads YAML nodes, records every problem with {@code
 * source:line:column} and the field's path, and parses the numeric value generators the simulators
 * share. Each accessor records a located problem and yields empty when the node is unfit, so that a
 * parser reports every problem of a file at once.
 */
public abstract class ScenarioReader {

  /** The numeric generators, in the order messages list them. */
  public static final List<String> NUMERIC_GENERATORS =
      List.of("constant", "ramp", "sine", "randomWalk", "counter");

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
  private static final Pattern HEX = Pattern.compile("[-+]?0[xX][0-9a-fA-F]+");

  private final String source;
  private final List<Problem> problems = new ArrayList<>();

  /** A problem and where it is; line and column are 1-based, 0 when unknown. */
  private record Problem(int line, int column, String text) {}

  protected ScenarioReader(String source) {
    this.source = source;
  }

  /** The name problems are reported against. */
  protected final String source() {
    return source;
  }

  /**
   * The largest scenario read, in Unicode code points: simulated plants of 100,000 points take
   * megabytes, beyond the parser's default of 3 MiB.
   */
  private static final int MAX_CODE_POINTS = 64 << 20;

  /**
   * The root node of {@code yaml}.
   *
   * @throws ScenarioException if the text is no YAML or empty
   */
  protected final Node compose(String yaml) {
    Optional<Node> root;
    try {
      root =
          new Compose(
                  LoadSettings.builder()
                      .setLabel(source)
                      .setCodePointLimit(MAX_CODE_POINTS)
                      .build())
              .composeString(yaml);
    } catch (MarkedYamlEngineException e) {
      String where = e.getProblemMark().map(this::location).orElse(source);
      throw new ScenarioException(source, List.of(where + ": not valid YAML: " + e.getProblem()));
    } catch (YamlEngineException e) {
      throw new ScenarioException(source, List.of(source + ": not valid YAML: " + e.getMessage()));
    }
    return root.orElseThrow(
        () -> new ScenarioException(source, List.of(source + ": the scenario is empty")));
  }

  /**
   * @throws ScenarioException listing every problem recorded, ordered by line and column
   */
  protected final void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw new ScenarioException(
          source,
          problems.stream()
              .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
              .map(Problem::text)
              .toList());
    }
  }

  /** How many problems are recorded so far; compare before and after reading a part. */
  protected final int problemCount() {
    return problems.size();
  }

  /**
   * The fields of a mapping by name. Reports unknown, duplicate and missing fields; yields no
   * fields when the node is no mapping.
   */
  protected final Map<String, Node> mapping(
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

  /** The elements of a list; reports anything else. */
  protected final List<Node> sequence(Node node, String path) {
    if (node instanceof SequenceNode sequenceNode) {
      return sequenceNode.getValue();
    }
    problem(node, path, "expected a list");
    return List.of();
  }

  /** A single value that is not blank, trimmed. */
  protected final Optional<String> text(Node node, String path) {
    if (node == null) {
      return Optional.empty();
    }
    if (node instanceof ScalarNode scalar && !scalar.getValue().isBlank()) {
      return Optional.of(scalar.getValue().trim());
    }
    problem(node, path, "expected a single value");
    return Optional.empty();
  }

  /** The choice named by the node. */
  protected final <T> Optional<T> choice(Node node, String path, Map<String, T> choices) {
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

  /** A finite number; integers may be written in hex. */
  protected final Optional<Double> number(Node node, String path) {
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

  /** A whole number that a double holds exactly. */
  protected final Optional<Long> wholeNumber(Node node, String path) {
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

  /** A whole number within {@code min..max}. */
  protected final Optional<Integer> integer(Node node, String path, int min, int max) {
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
  protected final Optional<Double> inRange(Node node, String path, NumericType type) {
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
  protected final Optional<Double> exact(Node node, String path, NumericType type) {
    return number(node, path)
        .flatMap(
            value -> {
              Optional<String> problem = type.problemWith(value);
              if (problem.isEmpty() && type.isWhole() && !writtenExactly(node, value)) {
                // beyond 2^53 a double rounds, e.g. 9007199254740993 reads as 9007199254740992
                problem =
                    Optional.of(
                        type.scenarioName()
                            + " holds "
                            + type.range()
                            + ", got "
                            + ((ScalarNode) node).getValue().trim());
              }
              problem.ifPresent(message -> problem(node, path, message));
              return problem.isPresent() ? Optional.empty() : Optional.of(value);
            });
  }

  /** Whether the number written in the (scalar) node is exactly {@code value}. */
  private static boolean writtenExactly(Node node, double value) {
    String text = ((ScalarNode) node).getValue().trim();
    try {
      BigDecimal written =
          HEX.matcher(text).matches()
              ? new BigDecimal(Long.decode(text))
              : new BigDecimal(text.replace("_", ""));
      return written.compareTo(new BigDecimal(value)) == 0;
    } catch (NumberFormatException e) {
      // Java's float syntax such as 1f or 0x1p3: parsed as written, nothing was rounded
      return true;
    }
  }

  /** {@code true} or {@code false}. */
  protected final Optional<Boolean> bool(Node node, String path) {
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

  /** A positive duration written {@code 500ms}, {@code 1.5s}, {@code 2m} or {@code 1h}. */
  protected final Optional<Duration> duration(Node node, String path) {
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

  /**
   * The one field of a mapping that names a generator, e.g. {@code {sine: {...}}}, with its body.
   */
  protected final Optional<Map.Entry<String, Node>> generatorField(
      Node node, String path, List<String> generators) {
    if (node == null) {
      return Optional.empty();
    }
    int before = problemCount();
    Map<String, Node> fields = mapping(node, path, generators, Set.of());
    if (fields.size() != 1) {
      if (problemCount() == before) {
        problem(node, path, "needs exactly one of " + String.join(", ", generators));
      }
      return Optional.empty();
    }
    return Optional.of(fields.entrySet().iterator().next());
  }

  /**
   * One of the {@link #NUMERIC_GENERATORS} for a value of {@code type}.
   *
   * @param name the generator's name
   * @param body the generator's parameters
   * @param path the generator's path, e.g. {@code devices[0].points[1].value.sine}
   */
  protected final Optional<Generator> numericGenerator(
      String name, Node body, String path, NumericType type) {
    return switch (name) {
      case "constant" -> exact(body, path, type).map(Generator.Constant::new);
      case "ramp" -> ramp(body, path, type);
      case "sine" -> sine(body, path, type);
      case "randomWalk" -> randomWalk(body, path, type);
      case "counter" -> counter(body, path, type);
      default -> throw new IllegalArgumentException("not a numeric generator: " + name);
    };
  }

  private Optional<Generator> ramp(Node node, String path, NumericType type) {
    int before = problemCount();
    Map<String, Node> f =
        mapping(node, path, List.of("from", "to", "period"), Set.of("from", "to", "period"));
    Optional<Double> from = inRange(f.get("from"), path + ".from", type);
    Optional<Double> to = inRange(f.get("to"), path + ".to", type);
    Optional<Duration> period = duration(f.get("period"), path + ".period");
    if (problemCount() > before || from.isEmpty() || to.isEmpty() || period.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Generator.Ramp(from.get(), to.get(), period.get()));
  }

  private Optional<Generator> sine(Node node, String path, NumericType type) {
    int before = problemCount();
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
    if (problemCount() > before || offset.isEmpty() || amplitude.isEmpty() || period.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Generator.Sine(offset.get(), amplitude.get(), period.get()));
  }

  private Optional<Generator> randomWalk(Node node, String path, NumericType type) {
    int before = problemCount();
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
    if (problemCount() > before
        || start.isEmpty()
        || step.isEmpty()
        || min.isEmpty()
        || max.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Generator.RandomWalk(start.get(), step.get(), min.get(), max.get(), seed));
  }

  private Optional<Generator> counter(Node node, String path, NumericType type) {
    int before = problemCount();
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
    if (problemCount() > before) {
      return Optional.empty();
    }
    return Optional.of(new Generator.Counter(start, increment));
  }

  /** Records a problem at the node's position; {@code path} names the field. */
  protected final void problem(Node node, String path, String message) {
    Optional<Mark> mark = node == null ? Optional.empty() : node.getStartMark();
    String where = mark.map(this::location).orElse(source);
    problems.add(
        new Problem(
            mark.map(m -> m.getLine() + 1).orElse(0),
            mark.map(m -> m.getColumn() + 1).orElse(0),
            where + ": " + path + ": " + message));
  }

  /** {@code source:line:column} of the node, for messages that point at a second place. */
  protected final String location(Node node) {
    return node.getStartMark().map(this::location).orElse(source);
  }

  private String location(Mark mark) {
    return source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }
}
