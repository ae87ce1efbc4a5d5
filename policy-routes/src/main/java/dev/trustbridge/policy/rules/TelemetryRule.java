package dev.trustbridge.policy.rules;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A northbound rule: which samples it is about and what happens to them. The first rule whose
 * devices, tags and condition match a sample decides it.
 *
 * @param id unique among all rules, named in counters and logs
 * @param devices glob patterns ({@code *}, {@code ?}) of device ids
 * @param tags glob patterns of tag names
 * @param when a CEL condition over the sample; absent means always
 * @param allow whether matching samples may leave; the fields below apply only to allowed ones
 * @param range the values allowed to leave
 * @param outOfRange what happens to a value outside the range
 * @param rate how many samples per device and tag may leave
 * @param roundDigits decimal places that decimal values are rounded to
 * @param redactUnit whether the unit is removed
 * @param redactSourceTime whether the device's time is replaced by the gateway's
 */
public record TelemetryRule(
    String id,
    List<String> devices,
    List<String> tags,
    Optional<Expression> when,
    boolean allow,
    Optional<Range> range,
    OutOfRange outOfRange,
    Optional<RateLimit> rate,
    OptionalInt roundDigits,
    boolean redactUnit,
    boolean redactSourceTime) {

  /** What happens to a sample whose value is outside the rule's range. */
  public enum OutOfRange {
    /** The sample does not leave. */
    DROP("drop"),
    /** The sample leaves with quality {@code BAD} and without its value. */
    FLAG("flag");

    private final String configName;

    OutOfRange(String configName) {
      this.configName = configName;
    }

    /** The name used in policy files. */
    public String configName() {
      return configName;
    }
  }

  public TelemetryRule {
    Objects.requireNonNull(id, "id");
    devices = List.copyOf(devices);
    tags = List.copyOf(tags);
    Objects.requireNonNull(when, "when");
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(outOfRange, "outOfRange");
    Objects.requireNonNull(rate, "rate");
    Objects.requireNonNull(roundDigits, "roundDigits");
  }
}
