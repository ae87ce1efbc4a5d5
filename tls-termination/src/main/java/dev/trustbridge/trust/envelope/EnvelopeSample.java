package dev.trustbridge.trust.envelope;

import java.time.Instant;
import java.util.Objects;

/**
 * One tag value as an envelope carries it.
 *
 * @param tag the tag's name, not blank
 * @param value a {@link Boolean}, {@link Long} or finite {@link Double}; {@code null} when the
 *     device gave no usable value (then the quality is {@code BAD})
 * @param quality {@code GOOD}, {@code UNCERTAIN} (a value the device itself doubts) or {@code BAD}
 * @param sourceTime when the device produced the value, or when it was polled if the device keeps
 *     no time
 * @param unit the engineering unit, empty when the value has none
 */
public record EnvelopeSample(
    String tag, Object value, String quality, Instant sourceTime, String unit) {

  /** The quality of a usable value. */
  public static final String GOOD = "GOOD";

  /** The quality of a value the device delivered but marked as doubtful. */
  public static final String UNCERTAIN = "UNCERTAIN";

  /** The quality of a value that must not be used. */
  public static final String BAD = "BAD";

  /**
   * @throws IllegalArgumentException if a field breaks the rules above
   */
  public EnvelopeSample {
    if (tag == null || tag.isBlank()) {
      throw new IllegalArgumentException("sample tag is blank");
    }
    if (value != null
        && !(value instanceof Boolean)
        && !(value instanceof Long)
        && !(value instanceof Double)) {
      throw new IllegalArgumentException(
          "sample '"
              + tag
              + "': value must be a Boolean, Long, Double or null, not "
              + value.getClass().getName());
    }
    if (value instanceof Double number && !Double.isFinite(number)) {
      // JSON has no NaN or infinity: such a reading is a BAD sample without value
      throw new IllegalArgumentException(
          "sample '" + tag + "': value " + number + " is not finite");
    }
    if (!GOOD.equals(quality) && !UNCERTAIN.equals(quality) && !BAD.equals(quality)) {
      throw new IllegalArgumentException(
          "sample '" + tag + "': quality must be GOOD, UNCERTAIN or BAD, not " + quality);
    }
    Objects.requireNonNull(sourceTime, () -> "sample '" + tag + "': sourceTime");
    Objects.requireNonNull(unit, () -> "sample '" + tag + "': unit");
  }
}
