package dev.trustbridge.sim.scenario.internal;

import java.util.Optional;

/** A numeric value type of a simulator: which values it holds, for checks and messages. */
public interface NumericType {

  /** The type's name as scenarios write it. */
  String scenarioName();

  /** Whether the type holds whole numbers only. */
  boolean isWhole();

  /** Whether the type can hold {@code value}, rounding allowed. */
  boolean contains(double value);

  /** For messages: {@code -32768..32767}. */
  String range();

  /** Why {@code value} cannot be stored exactly in this type, if it cannot. */
  default Optional<String> problemWith(double value) {
    if (!Double.isFinite(value)) {
      return Optional.of("must be a finite number, got " + value);
    }
    if (isWhole() && value != Math.rint(value)) {
      return Optional.of(scenarioName() + " holds whole numbers, got " + value);
    }
    if (!contains(value)) {
      return Optional.of(scenarioName() + " holds " + range() + ", got " + format(value));
    }
    return Optional.empty();
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
