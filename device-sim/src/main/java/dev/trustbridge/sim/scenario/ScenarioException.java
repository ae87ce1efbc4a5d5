package dev.trustbridge.sim.scenario;

import java.util.List;

/**
 * A scenario that cannot be used, with every problem found, each as {@code source:line:column:
 * field: message}.
 */
public final class ScenarioException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  /**
   * @param source the scenario's file name or other label
   * @param problems one entry per problem, already located
   */
  public ScenarioException(String source, List<String> problems) {
    super(message(source, problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * Every problem found, ordered by line and column, each starting with {@code source:line:column}.
   */
  public List<String> problems() {
    return problems;
  }

  private static String message(String source, List<String> problems) {
    String count = problems.size() == 1 ? "1 problem" : problems.size() + " problems";
    return "scenario " + source + " has " + count + ":\n  " + String.join("\n  ", problems);
  }
}
