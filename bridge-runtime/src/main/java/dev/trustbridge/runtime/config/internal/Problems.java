package dev.trustbridge.runtime.config.internal;

import dev.trustbridge.runtime.config.ConfigException;
import dev.trustbridge.runtime.config.ConfigProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** Collects configuration problems so that all of them are reported at once. */
public final class Problems {

  private final List<ConfigProblem> problems = new ArrayList<>();

  /** Records a problem at a node's position in {@code file}. */
  public void at(String file, Node node, String field, String message) {
    at(file, node.getStartMark(), field, message);
  }

  /** Records a problem at a mark, or at the file when the mark is absent. */
  public void at(String file, Optional<Mark> mark, String field, String message) {
    problems.add(
        new ConfigProblem(
            file,
            mark.map(m -> m.getLine() + 1).orElse(0),
            mark.map(m -> m.getColumn() + 1).orElse(0),
            field,
            message));
  }

  /** Records a problem located elsewhere, e.g. by a policy compiler. */
  public void add(ConfigProblem problem) {
    problems.add(problem);
  }

  /** Records a problem about a whole file. */
  public void inFile(String file, String message) {
    problems.add(new ConfigProblem(file, 0, 0, "", message));
  }

  /** How many problems have been recorded so far. */
  public int size() {
    return problems.size();
  }

  /** Throws every collected problem, sorted by file and line, if there is any. */
  public void throwIfAny() throws ConfigException {
    if (!problems.isEmpty()) {
      throw new ConfigException(
          problems.stream()
              .sorted(
                  Comparator.comparing(ConfigProblem::file)
                      .thenComparingInt(ConfigProblem::line)
                      .thenComparingInt(ConfigProblem::column))
              .toList());
    }
  }
}
