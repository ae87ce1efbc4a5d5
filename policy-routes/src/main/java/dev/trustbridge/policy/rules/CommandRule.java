package dev.trustbridge.policy.rules;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A southbound rule: which signers (by role) may write which tags, within which values and how
 * often. Commands that no rule permits are refused.
 *
 * @param id unique among all rules, named in counters, logs and results
 * @param devices glob patterns ({@code *}, {@code ?}) of device ids
 * @param tags glob patterns of tag names
 * @param roles the roles of which the signer's certificate must grant at least one
 * @param when a CEL condition over the command; absent means always
 * @param range the values that may be written
 * @param rate how many commands per device and tag may be executed
 */
public record CommandRule(
    String id,
    List<String> devices,
    List<String> tags,
    Set<String> roles,
    Optional<Expression> when,
    Optional<Range> range,
    Optional<RateLimit> rate) {

  public CommandRule {
    Objects.requireNonNull(id, "id");
    devices = List.copyOf(devices);
    tags = List.copyOf(tags);
    roles = Set.copyOf(roles);
    Objects.requireNonNull(when, "when");
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(rate, "rate");
  }
}
