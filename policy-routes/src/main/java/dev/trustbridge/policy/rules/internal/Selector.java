package dev.trustbridge.policy.rules.internal;

import dev.cel.runtime.CelEvaluationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a rule is about: device and tag patterns and an optional condition.
 *
 * @param when empty when the rule has no condition
 */
public record Selector(Glob devices, Glob tags, Optional<Condition> when) {

  public Selector(List<String> devices, List<String> tags, Optional<Condition> when) {
    this(new Glob(devices), new Glob(tags), when);
  }

  /** Whether device and tag match the patterns; the condition is not evaluated. */
  public boolean names(String device, String tag) {
    return devices.matches(device) && tags.matches(tag);
  }

  /**
   * Whether the condition holds, or there is none.
   *
   * @throws CelEvaluationException if the condition cannot be evaluated on these variables
   */
  public boolean holds(Map<String, Object> variables) throws CelEvaluationException {
    return when.isEmpty() || when.get().test(variables);
  }
}
