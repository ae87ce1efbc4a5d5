package dev.trustbridge.policy.rules;

import dev.trustbridge.policy.rules.internal.Condition;
import dev.trustbridge.policy.rules.internal.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's rules, compiled once at start: telemetry rules decide what leaves the plant,
 * command rules what may be written into it. Immutable; {@link PolicyEnforcer} applies it.
 */
public final class Policy {

  record Compiled<R>(R rule, Selector selector) {}

  private final List<Compiled<TelemetryRule>> telemetry;
  private final List<Compiled<CommandRule>> commands;
  private final boolean telemetryAllowedByDefault;

  private Policy(
      List<Compiled<TelemetryRule>> telemetry,
      List<Compiled<CommandRule>> commands,
      boolean telemetryAllowedByDefault) {
    this.telemetry = List.copyOf(telemetry);
    this.commands = List.copyOf(commands);
    this.telemetryAllowedByDefault = telemetryAllowedByDefault;
  }

  /**
   * Compiles every condition.
   *
   * @param telemetryAllowedByDefault what happens to a sample that no telemetry rule matches
   * @throws PolicyException with every condition that has a syntax or type error
   * @throws IllegalArgumentException if two rules share an id
   */
  public static Policy compile(
      List<TelemetryRule> telemetryRules,
      List<CommandRule> commandRules,
      boolean telemetryAllowedByDefault)
      throws PolicyException {
    List<PolicyProblem> problems = new ArrayList<>();
    List<Compiled<TelemetryRule>> telemetry = new ArrayList<>();
    for (TelemetryRule rule : telemetryRules) {
      telemetry.add(
          new Compiled<>(
              rule,
              new Selector(
                  rule.devices(),
                  rule.tags(),
                  condition(Condition.Scope.TELEMETRY, rule.when(), rule.id(), problems))));
    }
    List<Compiled<CommandRule>> commands = new ArrayList<>();
    for (CommandRule rule : commandRules) {
      commands.add(
          new Compiled<>(
              rule,
              new Selector(
                  rule.devices(),
                  rule.tags(),
                  condition(Condition.Scope.COMMAND, rule.when(), rule.id(), problems))));
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return new Policy(telemetry, commands, telemetryAllowedByDefault);
  }

  /** No rules: every sample leaves, every command is refused. For development without policy. */
  public static Policy none() {
    return new Policy(List.of(), List.of(), true);
  }

  private static Optional<Condition> condition(
      Condition.Scope scope,
      Optional<Expression> expression,
      String ruleId,
      List<PolicyProblem> problems) {
    return expression.flatMap(
        e -> Optional.ofNullable(Condition.compile(scope, e, ruleId, problems)));
  }

  /** Whether some telemetry rule names the device, so that its samples are decided by a rule. */
  public boolean coversDevice(String deviceId) {
    return telemetry.stream().anyMatch(c -> c.selector().devices().matches(deviceId));
  }

  /** Whether a sample that no telemetry rule matches leaves the gateway. */
  public boolean telemetryAllowedByDefault() {
    return telemetryAllowedByDefault;
  }

  /** How many telemetry and command rules there are. */
  public int size() {
    return telemetry.size() + commands.size();
  }

  List<Compiled<TelemetryRule>> telemetry() {
    return telemetry;
  }

  List<Compiled<CommandRule>> commands() {
    return commands;
  }
}
