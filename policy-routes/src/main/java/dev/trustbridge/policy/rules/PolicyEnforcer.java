package dev.trustbridge.policy.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.trustbridge.adapters.Quality;
import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.SampleBatchFilter;
import dev.trustbridge.policy.rules.Policy.Compiled;
import dev.trustbridge.policy.rules.internal.BoundedLog;
import dev.trustbridge.policy.rules.internal.Condition;
import dev.trustbridge.policy.rules.internal.TokenBucket;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ObjLongConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link Policy}: filters every sample before it is signed and published, decides every
 * authenticated command, holds the rate-limit buckets and counts each decision by rule and result.
 * Thread-safe.
 *
 * <p>Telemetry results: {@code allowed}, {@code denied}, {@code out-of-range-dropped}, {@code
 * out-of-range-flagged}, {@code rate-limited}, {@code error} (the condition could not be evaluated:
 * the sample is dropped). Command results: {@code permitted} or the reason code of the denial.
 */
public final class PolicyEnforcer implements SampleBatchFilter {

  private volatile DecisionListener listener = (direction, rule, result, count) -> {};

  /** The rule id that counts decisions no rule made. */
  public static final String DEFAULT_RULE = "default";

  private static final Logger LOG = LoggerFactory.getLogger(PolicyEnforcer.class);
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  /** The direction of samples in {@link DecisionCount}. */
  public static final String TELEMETRY = "telemetry";

  /** The direction of commands in {@link DecisionCount}. */
  public static final String COMMAND = "command";

  private record Key(String direction, String rule, String result) {}

  private record Bucket(String rule, String device, String tag) {}

  private final Policy policy;
  private final Clock clock;
  private final Map<Bucket, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
  private final BoundedLog denials;

  public PolicyEnforcer(Policy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
    this.denials = new BoundedLog(LOG, LOG_INTERVAL, clock);
  }

  /**
   * Applies the telemetry rules to every sample of the batch. Decisions are counted once per batch
   * and result, not per sample: a poll of thousands of tags is one count per rule.
   */
  @Override
  public Optional<SampleBatch> admit(SampleBatch batch) {
    List<Sample> admitted = new ArrayList<>(batch.samples().size());
    Tally tally = new Tally();
    boolean changed = false;
    for (Sample sample : batch.samples()) {
      Optional<Sample> kept = admit(batch.deviceId(), sample, tally);
      if (kept.isPresent()) {
        admitted.add(kept.get());
        changed |= kept.get() != sample;
      } else {
        changed = true;
      }
    }
    tally.forEach(this::count);
    if (admitted.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(changed ? new SampleBatch(batch.deviceId(), admitted) : batch);
  }

  /** Routes publish samples only: what the policy cannot inspect does not leave. */
  @Override
  public boolean admitsRawBodies() {
    return false;
  }

  private Optional<Sample> admit(String device, Sample sample, Tally tally) {
    Map<String, Object> variables = null;
    for (Compiled<TelemetryRule> compiled : policy.telemetry()) {
      if (!compiled.selector().names(device, sample.tag())) {
        continue;
      }
      TelemetryRule rule = compiled.rule();
      if (compiled.selector().when().isPresent()) {
        if (variables == null) {
          variables =
              Condition.variables(device, sample.tag(), sample.value(), sample.gatewayTime());
          variables.put("quality", sample.quality().name());
          variables.put("unit", sample.unit());
        }
        try {
          if (!compiled.selector().holds(variables)) {
            continue;
          }
        } catch (CelEvaluationException e) {
          return refuse(rule.id(), "error", device, sample, e.getMessage(), tally);
        }
      }
      return apply(rule, device, sample, tally);
    }
    if (policy.telemetryAllowedByDefault()) {
      tally.add(DEFAULT_RULE, "allowed");
      return Optional.of(sample);
    }
    return refuse(DEFAULT_RULE, "denied", device, sample, "no telemetry rule matches", tally);
  }

  private Optional<Sample> apply(TelemetryRule rule, String device, Sample sample, Tally tally) {
    if (!rule.allow()) {
      return refuse(rule.id(), "denied", device, sample, "denied by rule", tally);
    }
    String result = "allowed";
    Sample admitted = sample;
    if (rule.range().isPresent()
        && sample.quality() == Quality.GOOD
        && !rule.range().get().contains(sample.value())) {
      if (rule.outOfRange() == TelemetryRule.OutOfRange.DROP) {
        return refuse(
            rule.id(),
            "out-of-range-dropped",
            device,
            sample,
            "value outside " + rule.range().get(),
            tally);
      }
      result = "out-of-range-flagged";
      admitted =
          new Sample(
              sample.tag(),
              null,
              Quality.BAD,
              sample.sourceTime(),
              sample.gatewayTime(),
              sample.unit());
    }
    if (rule.rate().isPresent()
        && !buckets
            .computeIfAbsent(
                new Bucket(rule.id(), device, sample.tag()),
                b -> new TokenBucket(rule.rate().get(), clock))
            .tryTake()) {
      return refuse(
          rule.id(), "rate-limited", device, sample, "rate limit " + rule.rate().get(), tally);
    }
    tally.add(rule.id(), result);
    return Optional.of(transformed(rule, admitted));
  }

  /**
   * The telemetry decisions of one batch by rule and result. Samples of a batch mostly share their
   * decision, so a run of equal decisions costs two comparisons, not a map lookup each.
   */
  private static final class Tally {
    private final Map<Key, long[]> counts = new HashMap<>();
    private String rule;
    private String result;
    private long run;

    void add(String rule, String result) {
      if (run > 0 && rule.equals(this.rule) && result.equals(this.result)) {
        run++;
        return;
      }
      endRun();
      this.rule = rule;
      this.result = result;
      run = 1;
    }

    private void endRun() {
      if (run > 0) {
        counts.computeIfAbsent(new Key(TELEMETRY, rule, result), k -> new long[1])[0] += run;
        run = 0;
      }
    }

    void forEach(ObjLongConsumer<Key> action) {
      endRun();
      counts.forEach((key, n) -> action.accept(key, n[0]));
    }
  }

  /** The sample as the rule publishes it; the same instance when the rule changes nothing. */
  private static Sample transformed(TelemetryRule rule, Sample sample) {
    if (rule.roundDigits().isEmpty() && !rule.redactSourceTime() && !rule.redactUnit()) {
      return sample;
    }
    Object value = sample.value();
    if (rule.roundDigits().isPresent()
        && value instanceof Double number
        && Double.isFinite(number)) {
      value =
          BigDecimal.valueOf(number)
              .setScale(rule.roundDigits().getAsInt(), RoundingMode.HALF_EVEN)
              .doubleValue();
    }
    return new Sample(
        sample.tag(),
        value,
        sample.quality(),
        rule.redactSourceTime() ? sample.gatewayTime() : sample.sourceTime(),
        sample.gatewayTime(),
        rule.redactUnit() ? "" : sample.unit());
  }

  private Optional<Sample> refuse(
      String rule, String result, String device, Sample sample, String detail, Tally tally) {
    tally.add(rule, result);
    denials.warn(
        TELEMETRY + "/" + rule + "/" + result,
        "telemetry refused rule="
            + rule
            + " result="
            + result
            + " device="
            + device
            + " tag="
            + sample.tag()
            + " detail=\""
            + detail.replace('"', '\'')
            + "\"");
    return Optional.empty();
  }

  /**
   * Decides an authenticated command: the first rule that names its device and tag, grants one of
   * the signer's roles and whose condition holds decides; its range and rate limit must hold too. A
   * permit takes a token from the rule's bucket.
   */
  public Decision decide(CommandRequest request) {
    List<Compiled<CommandRule>> naming =
        policy.commands().stream()
            .filter(c -> c.selector().names(request.device(), request.tag()))
            .toList();
    if (naming.isEmpty()) {
      return deny(
          new Decision.Deny(
              "not-permitted",
              DEFAULT_RULE,
              "no command rule names device " + request.device() + " tag " + request.tag()));
    }
    Map<String, Object> variables =
        Condition.variables(request.device(), request.tag(), request.value(), clock.instant());
    variables.put("roles", List.copyOf(request.roles()));
    variables.put("signer", request.signer());
    boolean roleGranted = false;
    String lastRule = naming.get(0).rule().id();
    for (Compiled<CommandRule> compiled : naming) {
      CommandRule rule = compiled.rule();
      if (rule.roles().stream().noneMatch(request.roles()::contains)) {
        continue;
      }
      roleGranted = true;
      lastRule = rule.id();
      try {
        if (!compiled.selector().holds(variables)) {
          continue;
        }
      } catch (CelEvaluationException e) {
        return deny(new Decision.Deny("policy-error", rule.id(), e.getMessage()));
      }
      if (rule.range().isPresent() && !rule.range().get().contains(request.value())) {
        return deny(
            new Decision.Deny(
                "out-of-range",
                rule.id(),
                "value " + request.value() + " is outside " + rule.range().get()));
      }
      if (rule.rate().isPresent()
          && !buckets
              .computeIfAbsent(
                  new Bucket(rule.id(), request.device(), request.tag()),
                  b -> new TokenBucket(rule.rate().get(), clock))
              .tryTake()) {
        return deny(
            new Decision.Deny(
                "rate-limited", rule.id(), "rate limit " + rule.rate().get() + " exhausted"));
      }
      count(COMMAND, rule.id(), "permitted");
      return new Decision.Permit(rule.id());
    }
    if (!roleGranted) {
      return deny(
          new Decision.Deny(
              "role-not-granted",
              lastRule,
              "signer roles "
                  + request.roles().stream().sorted().toList()
                  + " include none that a rule grants for device "
                  + request.device()
                  + " tag "
                  + request.tag()));
    }
    return deny(new Decision.Deny("not-permitted", lastRule, "no rule's condition holds"));
  }

  private Decision deny(Decision.Deny deny) {
    count(COMMAND, deny.rule(), deny.reason());
    return deny;
  }

  /**
   * Counts a command decision taken outside the policy, such as a refusal for a bad signature, so
   * that every decision appears in {@link #decisionCounts()}.
   */
  public void countCommand(String reason) {
    count(COMMAND, DEFAULT_RULE, reason);
  }

  private void count(String direction, String rule, String result) {
    count(new Key(direction, rule, result), 1);
  }

  private void count(Key key, long n) {
    counts.computeIfAbsent(key, k -> new LongAdder()).add(n);
    listener.decided(key.direction(), key.rule(), key.result(), n);
  }

  /**
   * Told decisions as they are counted, such as to export them as a metric: each command, and the
   * samples of a telemetry batch once per rule and result.
   */
  public interface DecisionListener {
    /**
     * {@code count} decisions of one kind were taken. Must not throw or block.
     *
     * @param count how many, at least 1
     */
    void decided(String direction, String rule, String result, long count);
  }

  /** Sets who is told each decision; one listener, replacing the previous. */
  public void setDecisionListener(DecisionListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Every decision so far, by direction, rule and result. */
  public List<DecisionCount> decisionCounts() {
    return counts.entrySet().stream()
        .map(
            e ->
                new DecisionCount(
                    e.getKey().direction(),
                    e.getKey().rule(),
                    e.getKey().result(),
                    e.getValue().sum()))
        .sorted(
            Comparator.comparing(DecisionCount::direction)
                .thenComparing(DecisionCount::rule)
                .thenComparing(DecisionCount::result))
        .collect(Collectors.toList());
  }

  /** The count of one rule's result, 0 when it never happened. */
  public long countOf(String direction, String rule, String result) {
    LongAdder adder = counts.get(new Key(direction, rule, result));
    return adder == null ? 0 : adder.sum();
  }
}
