package dev.trustbridge.runtime.config.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One record of a configuration file read field by field, a YAML mapping or a row of a CSV tag
 * list: the typed accessors record a problem located in the file instead of throwing, and return a
 * fallback, so that one pass finds every problem. Both formats share these rules, so a value means
 * the same and is refused with the same words in either.
 */
public interface Fields {

  /** A text value, with references resolved; empty when absent or unusable. */
  Optional<String> optionalString(String key);

  /** Whether the key is present. */
  boolean has(String key);

  /**
   * A group of fields inside this record, such as a tag's {@code deadband}: a nested mapping in
   * YAML, the columns {@code deadband.type}, {@code deadband.value} in a CSV row; empty when
   * absent.
   */
  Optional<? extends Fields> section(String key);

  /** Reports every key that no accessor asked for: a misspelt key must not be silently ignored. */
  void rejectUnknownKeys();

  /** Records a problem at the record as a whole. */
  void problem(String message);

  /** Records a problem at a key's value (or at the record when the key is absent). */
  void problem(String key, String message);

  /** A required text value. */
  default Optional<String> requiredString(String key) {
    Optional<String> value = optionalString(key);
    if (value.isEmpty() && !has(key)) {
      problem(key, "is required");
    }
    return value;
  }

  /** An integer within bounds, or the fallback when absent. */
  default int integer(String key, int fallback, int min, int max) {
    return optionalString(key)
        .flatMap(
            text -> {
              try {
                int value = Integer.parseInt(text.strip());
                if (value < min || value > max) {
                  problem(key, value + " is outside " + min + ".." + max);
                  return Optional.empty();
                }
                return Optional.of(value);
              } catch (NumberFormatException e) {
                problem(key, "'" + text + "' is not a whole number");
                return Optional.empty();
              }
            })
        .orElse(fallback);
  }

  /** A required integer within bounds; {@code min} when absent or wrong (a problem is recorded). */
  default int requiredInteger(String key, int min, int max) {
    if (!has(key)) {
      problem(key, "is required");
    }
    return integer(key, min, min, max);
  }

  /** A positive duration such as {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601. */
  default Duration duration(String key, Duration fallback) {
    return optionalString(key)
        .flatMap(
            text -> {
              Optional<Duration> value = Durations.parse(text.strip());
              if (value.isEmpty() || value.get().isZero() || value.get().isNegative()) {
                problem(
                    key, "'" + text + "' is not a positive duration such as 500ms, 2s, 5m or 1h");
                return Optional.<Duration>empty();
              }
              return value;
            })
        .orElse(fallback);
  }

  /** A finite decimal number, or the fallback when absent. */
  default double number(String key, double fallback) {
    return optionalString(key)
        .flatMap(
            text -> {
              try {
                double value = Double.parseDouble(text.strip());
                if (Double.isFinite(value)) {
                  return Optional.of(value);
                }
              } catch (NumberFormatException e) {
                // reported below
              }
              problem(key, "'" + text + "' is not a number");
              return Optional.<Double>empty();
            })
        .orElse(fallback);
  }

  /** One of a closed set of names, or the fallback when absent or unknown (then a problem). */
  default <E extends Enum<E>> E choice(
      String key, E fallback, E[] values, Function<E, String> nameOf) {
    return optionalString(key)
        .flatMap(
            text -> {
              Optional<E> match =
                  Arrays.stream(values)
                      .filter(v -> nameOf.apply(v).equals(text.strip()))
                      .findFirst();
              if (match.isEmpty()) {
                problem(
                    key,
                    "unknown value '"
                        + text
                        + "' (expected one of: "
                        + Arrays.stream(values).map(nameOf).collect(Collectors.joining(", "))
                        + ")");
              }
              return match;
            })
        .orElse(fallback);
  }
}
