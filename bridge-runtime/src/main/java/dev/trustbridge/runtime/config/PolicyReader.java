package dev.trustbridge.runtime.config;

import dev.trustbridge.policy.command.CommandSettings;
import dev.trustbridge.policy.rules.CommandRule;
import dev.trustbridge.policy.rules.Expression;
import dev.trustbridge.policy.rules.Policy;
import dev.trustbridge.policy.rules.PolicyException;
import dev.trustbridge.policy.rules.PolicyProblem;
import dev.trustbridge.policy.rules.Range;
import dev.trustbridge.policy.rules.RateLimit;
import dev.trustbridge.policy.rules.TelemetryRule;
import dev.trustbridge.policy.rules.TelemetryRule.OutOfRange;
import dev.trustbridge.runtime.config.internal.Problems;
import dev.trustbridge.runtime.config.internal.Substitution;
import dev.trustbridge.runtime.config.internal.YamlFiles;
import dev.trustbridge.runtime.config.internal.YamlMapping;
import dev.trustbridge.trust.vault.PemCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the {@code policies} list and the {@code commands} section of {@code trustbridge.yaml}, and
 * the policy files the list names, then compiles every rule's condition.
 */
final class PolicyReader {

  private enum Action {
    ALLOW("allow"),
    DENY("deny");

    final String configName;

    Action(String configName) {
      this.configName = configName;
    }
  }

  private enum Redaction {
    UNIT("unit"),
    SOURCE_TIME("sourceTime");

    final String configName;

    Redaction(String configName) {
      this.configName = configName;
    }
  }

  private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final Path directory;
  private final Problems problems;
  private final Substitution substitution;
  private final Set<String> ruleIds = new HashSet<>();
  private final List<TelemetryRule> telemetry = new ArrayList<>();
  private final List<CommandRule> commands = new ArrayList<>();
  private final List<Path> files = new ArrayList<>();
  private Optional<Boolean> telemetryDefault = Optional.empty();

  PolicyReader(Path directory, Problems problems, Substitution substitution) {
    this.directory = directory;
    this.problems = problems;
    this.substitution = substitution;
  }

  /**
   * Reads the policy files listed under {@code policies} and compiles them; empty when the list is
   * absent (and then in production mode no route is covered).
   */
  Optional<Policy> read(YamlMapping root, SecurityMode mode) {
    List<String> files = root.strings("policies", List.of());
    if (!root.has("policies")) {
      return Optional.empty();
    }
    for (String name : new LinkedHashSet<>(files)) {
      this.files.add(directory.resolve(name));
      Optional<Node> document = YamlFiles.parse(directory.resolve(name), name, problems);
      document.ifPresent(node -> readFile(YamlMapping.root(name, node, problems, substitution)));
    }
    boolean allowByDefault = telemetryDefault.orElse(mode == SecurityMode.DEVELOPMENT);
    try {
      return Optional.of(Policy.compile(telemetry, commands, allowByDefault));
    } catch (PolicyException e) {
      for (PolicyProblem problem : e.problems()) {
        problems.add(
            new ConfigProblem(
                problem.file(),
                problem.line(),
                problem.column(),
                "rule " + problem.ruleId(),
                problem.message()));
      }
      return Optional.empty();
    }
  }

  /** The policy files named in {@code policies:}, in order, once {@link #read} ran. */
  List<Path> files() {
    return List.copyOf(files);
  }

  private void readFile(YamlMapping file) {
    file.mapping("telemetry")
        .ifPresent(
            section -> {
              if (section.has("default")) {
                Action action =
                    section.choice("default", Action.DENY, Action.values(), a -> a.configName);
                boolean allow = action == Action.ALLOW;
                if (telemetryDefault.isPresent() && telemetryDefault.get() != allow) {
                  section.problem("default", "another policy file sets the other default");
                }
                telemetryDefault = Optional.of(allow);
              } else {
                section.optionalString("default");
              }
              for (YamlMapping rule : section.mappings("rules", false)) {
                telemetryRule(rule).ifPresent(telemetry::add);
              }
              section.rejectUnknownKeys();
            });
    file.mapping("commands")
        .ifPresent(
            section -> {
              for (YamlMapping rule : section.mappings("rules", false)) {
                commandRule(rule).ifPresent(commands::add);
              }
              section.rejectUnknownKeys();
            });
    file.rejectUnknownKeys();
  }

  private Optional<TelemetryRule> telemetryRule(YamlMapping rule) {
    String id = ruleId(rule);
    List<String> devices = rule.strings("devices", List.of("*"));
    List<String> tags = rule.strings("tags", List.of("*"));
    Optional<Expression> when = when(rule);
    Action action = rule.choice("action", Action.DENY, Action.values(), a -> a.configName);
    if (!rule.has("action")) {
      rule.problem("action", "is required (allow or deny)");
    }
    Optional<Range> range = Optional.empty();
    OutOfRange outside = OutOfRange.DROP;
    Optional<YamlMapping> rangeSection = rule.mapping("range");
    if (rangeSection.isPresent()) {
      range = range(rangeSection.get());
      outside =
          rangeSection
              .get()
              .choice("outside", OutOfRange.DROP, OutOfRange.values(), OutOfRange::configName);
      rangeSection.get().rejectUnknownKeys();
    }
    Optional<RateLimit> rate = rule.mapping("rate").flatMap(PolicyReader::rate);
    OptionalInt round =
        rule.has("round") ? OptionalInt.of(rule.integer("round", 0, 0, 12)) : OptionalInt.empty();
    Set<Redaction> redactions = new HashSet<>();
    for (String name : rule.strings("redact", List.of())) {
      boolean known = false;
      for (Redaction redaction : Redaction.values()) {
        if (redaction.configName.equals(name)) {
          redactions.add(redaction);
          known = true;
        }
      }
      if (!known) {
        rule.problem("redact", "unknown field '" + name + "' (expected: unit, sourceTime)");
      }
    }
    if (action == Action.DENY
        && (range.isPresent() || rate.isPresent() || round.isPresent() || !redactions.isEmpty())) {
      rule.problem("action", "a deny rule takes no range, rate, round or redact");
    }
    rule.rejectUnknownKeys();
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new TelemetryRule(
            id,
            devices,
            tags,
            when,
            action == Action.ALLOW,
            range,
            outside,
            rate,
            round,
            redactions.contains(Redaction.UNIT),
            redactions.contains(Redaction.SOURCE_TIME)));
  }

  private Optional<CommandRule> commandRule(YamlMapping rule) {
    String id = ruleId(rule);
    List<String> devices = rule.strings("devices", List.of("*"));
    List<String> tags = rule.strings("tags", List.of("*"));
    List<String> roles = rule.strings("roles", List.of());
    if (roles.isEmpty()) {
      rule.problem("roles", "is required: the roles that may send these commands");
    }
    Optional<Expression> when = when(rule);
    Optional<Range> range =
        rule.mapping("range")
            .flatMap(
                section -> {
                  Optional<Range> value = range(section);
                  section.rejectUnknownKeys();
                  return value;
                });
    Optional<RateLimit> rate = rule.mapping("rate").flatMap(PolicyReader::rate);
    rule.rejectUnknownKeys();
    if (id.isEmpty() || roles.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CommandRule(id, devices, tags, Set.copyOf(roles), when, range, rate));
  }

  private String ruleId(YamlMapping rule) {
    String id = rule.requiredString("id").orElse("");
    if (id.isEmpty()) {
      return "";
    }
    if (!RULE_ID.matcher(id).matches()) {
      rule.problem("id", "'" + id + "' is not a valid rule id (letters, digits, '.', '_', '-')");
      return "";
    }
    if (!ruleIds.add(id) || id.equals("default")) {
      rule.problem("id", "rule '" + id + "' is declared twice or reserved");
      return "";
    }
    return id;
  }

  private static Optional<Expression> when(YamlMapping rule) {
    return rule.positionedString("when")
        .map(text -> new Expression(text.text(), rule.file(), text.line(), text.column()));
  }

  private static Optional<Range> range(YamlMapping section) {
    double min = section.number("min", Double.NEGATIVE_INFINITY);
    double max = section.number("max", Double.POSITIVE_INFINITY);
    if (!section.has("min") && !section.has("max")) {
      section.problem("needs min, max or both");
      return Optional.empty();
    }
    if (min > max) {
      section.problem("max", "is below min " + min);
      return Optional.empty();
    }
    return Optional.of(new Range(min, max));
  }

  private static Optional<RateLimit> rate(YamlMapping section) {
    double perSecond;
    if (section.has("perSecond")) {
      perSecond = section.number("perSecond", 1);
      section.optionalString("perMinute");
    } else if (section.has("perMinute")) {
      perSecond = section.number("perMinute", 60) / 60;
      section.optionalString("perSecond");
    } else {
      section.problem("needs perSecond or perMinute");
      return Optional.empty();
    }
    int burst = section.integer("burst", 1, 1, 1_000_000);
    section.rejectUnknownKeys();
    if (!(perSecond > 0)) {
      section.problem("must allow more than zero per second");
      return Optional.empty();
    }
    return Optional.of(new RateLimit(perSecond, burst));
  }

  /** Reads the optional {@code commands} section: who may sign commands. */
  static Optional<CommandSettings> commands(YamlMapping root, Path directory) {
    return root.mapping("commands")
        .flatMap(
            section -> {
              Optional<String> ca = section.requiredString("operatorCa");
              Duration maxValidity =
                  section.duration("maxValidity", CommandSettings.DEFAULT_MAX_VALIDITY);
              section.rejectUnknownKeys();
              if (ca.isEmpty()) {
                return Optional.empty();
              }
              Path file = directory.resolve(ca.get());
              try {
                return Optional.of(new CommandSettings(PemCertificates.read(file), maxValidity));
              } catch (IOException e) {
                section.problem("operatorCa", e.getMessage());
                return Optional.empty();
              }
            });
  }
}
