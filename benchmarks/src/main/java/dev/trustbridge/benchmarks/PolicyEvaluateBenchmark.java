package dev.trustbridge.benchmarks;

import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.policy.rules.Expression;
import dev.trustbridge.policy.rules.Policy;
import dev.trustbridge.policy.rules.PolicyEnforcer;
import dev.trustbridge.policy.rules.PolicyException;
import dev.trustbridge.policy.rules.Range;
import dev.trustbridge.policy.rules.TelemetryRule;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The telemetry policy applied to one poll's batch, as the uplink does before it signs: a deny rule
 * by tag pattern and an allow rule by device pattern with a range, without or with a CEL condition
 * evaluated per sample.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PolicyEvaluateBenchmark {

  /** The condition of the allow rule with {@code condition = cel}. */
  static final String CONDITION = "quality == 'GOOD' && value < 1000.0";

  @Param({"10", "100"})
  public int samplesPerBatch;

  @Param({"patterns", "cel"})
  public String condition;

  private PolicyEnforcer enforcer;
  private SampleBatch batch;

  @Setup(Level.Trial)
  public void start() throws PolicyException {
    TelemetryRule recipes =
        rule("recipes-stay", List.of("*"), List.of("recipe*"), Optional.empty(), false);
    TelemetryRule plant =
        rule(
            "plant",
            List.of("plc-*"),
            List.of("*"),
            condition.equals("cel")
                ? Optional.of(new Expression(CONDITION, "policies/bench.yaml", 1, 1))
                : Optional.empty(),
            true);
    enforcer =
        new PolicyEnforcer(
            Policy.compile(List.of(recipes, plant), List.of(), false), Clock.systemUTC());
    Instant now = Instant.now();
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < samplesPerBatch; i++) {
      samples.add(Sample.good("value-" + i, 20.0 + i, now, now, "degC"));
    }
    batch = new SampleBatch(BenchGateway.DEVICE, samples);
  }

  private static TelemetryRule rule(
      String id,
      List<String> devices,
      List<String> tags,
      Optional<Expression> when,
      boolean allow) {
    return new TelemetryRule(
        id,
        devices,
        tags,
        when,
        allow,
        allow ? Optional.of(new Range(-50, 5000)) : Optional.empty(),
        TelemetryRule.OutOfRange.DROP,
        Optional.empty(),
        OptionalInt.empty(),
        false,
        false);
  }

  /** Applies the policy; every sample is allowed, so the whole batch is copied through. */
  @Benchmark
  public Optional<SampleBatch> admit() {
    return enforcer.admit(batch);
  }
}
