package dev.trustbridge.runtime.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration is not usable; carries every problem found, not only the first. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(
        problems.size()
            + " configuration problem"
            + (problems.size() == 1 ? "" : "s")
            + ":\n"
            + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in file order. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
