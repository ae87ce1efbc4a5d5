package dev.trustbridge.policy.rules;

/**
 * The values a tag may take, both ends included.
 *
 * @param min the lowest allowed value
 * @param max the highest allowed value
 */
public record Range(double min, double max) {

  public Range {
    if (!(min <= max)) {
      throw new IllegalArgumentException("range min " + min + " is above max " + max);
    }
  }

  /** Whether the value lies in the range; {@code true} and {@code false} count as 1 and 0. */
  public boolean contains(Object value) {
    double number;
    if (value instanceof Number n) {
      number = n.doubleValue();
    } else if (value instanceof Boolean b) {
      number = b ? 1 : 0;
    } else {
      return false;
    }
    return number >= min && number <= max;
  }
}
