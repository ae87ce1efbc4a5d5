package dev.trustbridge.runtime.config.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads one YAML mapping of a configuration file field by field. Every accessor records a problem
 * with file, line and field path instead of throwing, and returns a fallback, so that one pass
 * finds every problem; {@link #rejectUnknownKeys()} then reports the keys nobody asked for.
 */
public final class YamlMapping implements Fields {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

  private final String file;
  private final String path;
  private final Node node;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
  private final List<String> read = new ArrayList<>();
  private final Problems problems;
  private final Substitution substitution;

  private YamlMapping(
      String file, String path, Node node, Problems problems, Substitution substitution) {
    this.file = file;
    this.path = path;
    this.node = node;
    this.problems = problems;
    this.substitution = substitution;
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        String key = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
        if (entries.putIfAbsent(key, tuple) != null) {
          problems.at(file, tuple.getKeyNode(), field(key), "is given twice");
        }
      }
    } else {
      problems.at(file, node, path, "must be a mapping of keys to values");
    }
  }

  /** Reads the document's root, which must be a mapping. */
  public static YamlMapping root(
      String file, Node node, Problems problems, Substitution substitution) {
    return new YamlMapping(file, "", node, problems, substitution);
  }

  /**
   * A text value as written, without {@code ${…}} references resolved, and where its text starts.
   *
   * @param line 1-based line of the text's first character
   * @param column 1-based column of the text's first character; for a block scalar ({@code |} or
   *     {@code >}) the column its lines are indented to, taken as two past its key
   */
  public record PositionedText(String text, int line, int column) {}

  /** A text value that is parsed further, such as a CEL expression; empty when absent. */
  public Optional<PositionedText> positionedString(String key) {
    Optional<ScalarNode> scalar = scalar(key);
    if (scalar.isEmpty() || scalar.get().getStartMark().isEmpty()) {
      return scalar.map(s -> new PositionedText(s.getValue(), 0, 0));
    }
    var mark = scalar.get().getStartMark().get();
    ScalarStyle style = scalar.get().getScalarStyle();
    int line = mark.getLine() + 1;
    int column = mark.getColumn() + 1;
    if (style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.SINGLE_QUOTED) {
      column++;
    } else if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
      line++;
      column = entries.get(key).getKeyNode().getStartMark().map(m -> m.getColumn() + 3).orElse(0);
    }
    return Optional.of(new PositionedText(scalar.get().getValue(), line, column));
  }

  /** The file this mapping is read from, as named to the operator. */
  public String file() {
    return file;
  }

  /** The field path of a key in this mapping, e.g. {@code devices[0].port}. */
  public String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Records a problem at this mapping. */
  @Override
  public void problem(String message) {
    problems.at(file, node, path, message);
  }

  /** Records a problem at a key's value (or at this mapping when the key is absent). */
  @Override
  public void problem(String key, String message) {
    NodeTuple tuple = entries.get(key);
    problems.at(file, tuple == null ? node : tuple.getValueNode(), field(key), message);
  }

  /** Whether the key is present. */
  @Override
  public boolean has(String key) {
    return entries.containsKey(key);
  }

  /** A text value, with references resolved; empty when absent or unusable. */
  @Override
  public Optional<String> optionalString(String key) {
    return scalar(key).flatMap(scalar -> resolve(field(key), scalar));
  }

  /**
   * A secret: must be given as one {@code ${env:…}} or {@code ${file:…}} reference, never as
   * literal text, and its value is never part of a message.
   */
  public Optional<char[]> secret(String key) {
    Optional<ScalarNode> scalar = scalar(key);
    if (scalar.isEmpty()) {
      if (!entries.containsKey(key)) {
        problem(key, "is required");
      }
      return Optional.empty();
    }
    if (!Substitution.isSingleReference(scalar.get().getValue())) {
      problem(
          key,
          "must be a reference such as ${env:NAME}, ${file:PATH} or ${credential:NAME}, not the secret itself");
      return Optional.empty();
    }
    return resolve(field(key), scalar.get()).map(String::toCharArray);
  }

  /** {@code true} or {@code false}, or the fallback when absent. */
  public boolean flag(String key, boolean fallback) {
    return optionalString(key)
        .flatMap(
            text -> {
              if (text.strip().equals("true") || text.strip().equals("false")) {
                return Optional.of(Boolean.parseBoolean(text.strip()));
              }
              problem(key, "'" + text + "' is not true or false");
              return Optional.<Boolean>empty();
            })
        .orElse(fallback);
  }

  /**
   * A number of bytes such as {@code 4096}, {@code 64KiB}, {@code 256MiB} or {@code 2GiB}, at least
   * {@code min}, or the fallback when absent.
   */
  public long size(String key, long fallback, long min) {
    return optionalString(key)
        .flatMap(
            text -> {
              Matcher matcher = SIZE.matcher(text.strip());
              if (!matcher.matches() || matcher.group(1).length() > 12) {
                problem(key, "'" + text + "' is not a size such as 4096, 64KiB, 256MiB or 2GiB");
                return Optional.<Long>empty();
              }
              long unit =
                  switch (matcher.group(2) == null ? "B" : matcher.group(2)) {
                    case "KiB" -> 1L << 10;
                    case "MiB" -> 1L << 20;
                    case "GiB" -> 1L << 30;
                    default -> 1L;
                  };
              long value = Long.parseLong(matcher.group(1)) * unit;
              if (value < min) {
                problem(key, text.strip() + " is less than the minimum of " + min + " bytes");
                return Optional.<Long>empty();
              }
              return Optional.of(value);
            })
        .orElse(fallback);
  }

  /** A list of text values, or the fallback when absent. */
  public List<String> strings(String key, List<String> fallback) {
    Optional<SequenceNode> sequence = sequence(key);
    if (sequence.isEmpty()) {
      return fallback;
    }
    List<String> values = new ArrayList<>();
    List<Node> items = sequence.get().getValue();
    for (int i = 0; i < items.size(); i++) {
      String itemField = field(key) + "[" + i + "]";
      if (items.get(i) instanceof ScalarNode scalar) {
        resolve(itemField, scalar).ifPresent(values::add);
      } else {
        problems.at(file, items.get(i), itemField, "must be a single value");
      }
    }
    return values;
  }

  /** The mappings of a list, e.g. each device; empty when absent (and a problem when required). */
  public List<YamlMapping> mappings(String key, boolean required) {
    Optional<SequenceNode> sequence = sequence(key);
    if (sequence.isEmpty()) {
      if (required && !entries.containsKey(key)) {
        problem(key, "is required");
      }
      return List.of();
    }
    List<YamlMapping> mappings = new ArrayList<>();
    List<Node> items = sequence.get().getValue();
    for (int i = 0; i < items.size(); i++) {
      mappings.add(
          new YamlMapping(file, field(key) + "[" + i + "]", items.get(i), problems, substitution));
    }
    return mappings;
  }

  @Override
  public Optional<YamlMapping> section(String key) {
    return mapping(key);
  }

  /** A nested mapping, e.g. {@code security}; empty when absent. */
  public Optional<YamlMapping> mapping(String key) {
    read.add(key);
    NodeTuple tuple = entries.get(key);
    if (tuple == null) {
      return Optional.empty();
    }
    return Optional.of(
        new YamlMapping(file, field(key), tuple.getValueNode(), problems, substitution));
  }

  @Override
  public void rejectUnknownKeys() {
    for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
      if (!read.contains(entry.getKey())) {
        problems.at(
            file,
            entry.getValue().getKeyNode(),
            field(entry.getKey()),
            "unknown key (expected one of: " + String.join(", ", read) + ")");
      }
    }
  }

  private Optional<ScalarNode> scalar(String key) {
    read.add(key);
    NodeTuple tuple = entries.get(key);
    if (tuple == null) {
      return Optional.empty();
    }
    if (tuple.getValueNode() instanceof ScalarNode scalar) {
      return Optional.of(scalar);
    }
    problem(key, "must be a single value, not a list or mapping");
    return Optional.empty();
  }

  private Optional<SequenceNode> sequence(String key) {
    read.add(key);
    NodeTuple tuple = entries.get(key);
    if (tuple == null) {
      return Optional.empty();
    }
    if (tuple.getValueNode() instanceof SequenceNode sequence) {
      return Optional.of(sequence);
    }
    problem(key, "must be a list");
    return Optional.empty();
  }

  private Optional<String> resolve(String field, ScalarNode scalar) {
    try {
      return Optional.of(substitution.resolve(scalar.getValue()));
    } catch (Substitution.UnresolvedReference e) {
      problems.at(file, scalar, field, e.getMessage());
      return Optional.empty();
    }
  }
}
