package dev.trustbridge.adapters;

import java.time.Instant;
import java.util.Objects;

/**
 * One tag value with its quality, the time the device reported it and the time the gateway took it.
 *
 * <p>A {@code GOOD} or {@code UNCERTAIN} sample carries a {@link Boolean}, {@link Long} or {@link
 * Double}; a {@code BAD} sample carries no value, and {@link #value()} is {@code null}.
 *
 * @param tag the tag's name, unique within its device
 * @param value the value, or {@code null} for a {@code BAD} sample
 * @param quality whether the value could be read
 * @param sourceTime when the device reported the value (for protocols without source time: when the
 *     response arrived)
 * @param gatewayTime when the gateway produced this sample
 * @param unit the engineering unit as configured, or {@code ""} when none is configured
 */
public record Sample(
    String tag,
    Object value,
    Quality quality,
    Instant sourceTime,
    Instant gatewayTime,
    String unit) {

  public Sample {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(quality, "quality");
    Objects.requireNonNull(sourceTime, "sourceTime");
    Objects.requireNonNull(gatewayTime, "gatewayTime");
    Objects.requireNonNull(unit, "unit");
    if (quality != Quality.BAD
        && !(value instanceof Boolean || value instanceof Long || value instanceof Double)) {
      throw new IllegalArgumentException(
          quality
              + " sample of tag "
              + tag
              + " needs a Boolean, Long or Double value, got "
              + value);
    }
    if (quality == Quality.BAD && value != null) {
      throw new IllegalArgumentException("BAD sample of tag " + tag + " carries no value");
    }
  }

  /** A sample read from the device. */
  public static Sample good(
      String tag, Object value, Instant sourceTime, Instant gatewayTime, String unit) {
    return new Sample(tag, value, Quality.GOOD, sourceTime, gatewayTime, unit);
  }

  /** A sample read from the device that the device itself marks as doubtful. */
  public static Sample uncertain(
      String tag, Object value, Instant sourceTime, Instant gatewayTime, String unit) {
    return new Sample(tag, value, Quality.UNCERTAIN, sourceTime, gatewayTime, unit);
  }

  /** A sample that could not be read: the device was down, timed out or answered with an error. */
  public static Sample bad(String tag, Instant time, String unit) {
    return new Sample(tag, null, Quality.BAD, time, time, unit);
  }
}
