package dev.trustbridge.policy.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A policy cannot be used; carries every problem found. */
public final class PolicyException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<PolicyProblem> problems;

  public PolicyException(List<PolicyProblem> problems) {
    super(
        problems.stream()
            .map(
                p ->
                    p.file()
                        + ":"
                        + p.line()
                        + ":"
                        + p.column()
                        + ": rule '"
                        + p.ruleId()
                        + "': "
                        + p.message())
            .collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in the order the rules are given. */
  public List<PolicyProblem> problems() {
    return problems;
  }
}
