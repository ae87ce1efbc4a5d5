package dev.trustbridge.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trustbridge.adapters.Quality;
import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEnforcerTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  private final MutableClock clock = new MutableClock(NOW);

  private static TelemetryRule allow(String id, String devices, String tags) {
    return new TelemetryRule(
        id,
        List.of(devices),
        List.of(tags),
        Optional.empty(),
        true,
        Optional.empty(),
        TelemetryRule.OutOfRange.DROP,
        Optional.empty(),
        OptionalInt.empty(),
        false,
        false);
  }

  private static Expression cel(String source) {
    return new Expression(source, "policies/p.yaml", 7, 13);
  }

  private static Sample good(String tag, Object value) {
    return Sample.good(tag, value, NOW.minusSeconds(1), NOW, "degC");
  }

  private static List<String> tags(Optional<SampleBatch> batch) {
    return batch.map(b -> b.samples().stream().map(Sample::tag).toList()).orElse(List.of());
  }

  @Test
  void admit_largeBatch_isCountedOncePerRuleAndResult_andPassedOnUnchangedWhenAllAllowed()
      throws Exception {
    PolicyEnforcer enforcer =
        new PolicyEnforcer(
            Policy.compile(List.of(allow("plant", "*", "v*")), List.of(), false), clock);
    List<String> told = new java.util.ArrayList<>();
    enforcer.setDecisionListener(
        (direction, rule, result, count) ->
            told.add(direction + "/" + rule + "/" + result + "=" + count));
    List<Sample> samples = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      samples.add(good("v" + i, (double) i));
    }
    SampleBatch allAllowed = new SampleBatch("meter", samples);
    List<Sample> withDenied = new java.util.ArrayList<>(samples);
    withDenied.add(good("secret", 1.0));

    Optional<SampleBatch> first = enforcer.admit(allAllowed);
    Optional<SampleBatch> second = enforcer.admit(new SampleBatch("meter", withDenied));

    assertThat(first).containsSame(allAllowed);
    assertThat(second.orElseThrow().samples()).isEqualTo(samples);
    assertThat(told)
        .containsExactlyInAnyOrder(
            "telemetry/plant/allowed=1000",
            "telemetry/plant/allowed=1000",
            "telemetry/default/denied=1");
    assertThat(enforcer.countOf("telemetry", "plant", "allowed")).isEqualTo(2000);
  }

  @Test
  void admit_deniedTagAndDefaultDeny_leaveOnlyAllowedSamples() throws Exception {
    TelemetryRule deny =
        new TelemetryRule(
            "no-recipes",
            List.of("*"),
            List.of("recipe*"),
            Optional.empty(),
            false,
            Optional.empty(),
            TelemetryRule.OutOfRange.DROP,
            Optional.empty(),
            OptionalInt.empty(),
            false,
            false);
    PolicyEnforcer enforcer =
        new PolicyEnforcer(
            Policy.compile(List.of(deny, allow("line", "line-?", "*")), List.of(), false), clock);

    Optional<SampleBatch> line1 =
        enforcer.admit(
            new SampleBatch("line-1", List.of(good("temperature", 21.5), good("recipeId", 7L))));
    Optional<SampleBatch> other =
        enforcer.admit(new SampleBatch("boiler", List.of(good("temperature", 80.0))));

    assertThat(tags(line1)).containsExactly("temperature");
    assertThat(other).isEmpty();
    assertThat(enforcer.countOf("telemetry", "no-recipes", "denied")).isEqualTo(1);
    assertThat(enforcer.countOf("telemetry", "line", "allowed")).isEqualTo(1);
    assertThat(enforcer.countOf("telemetry", "default", "denied")).isEqualTo(1);
  }

  @Test
  void admit_celConditionOverValueAndQuality_decidesPerSample() throws Exception {
    TelemetryRule hot =
        new TelemetryRule(
            "hot-only",
            List.of("*"),
            List.of("*"),
            Optional.of(cel("quality == 'GOOD' && value > 50 && device.startsWith('line')")),
            true,
            Optional.empty(),
            TelemetryRule.OutOfRange.DROP,
            Optional.empty(),
            OptionalInt.empty(),
            false,
            false);
    PolicyEnforcer enforcer =
        new PolicyEnforcer(Policy.compile(List.of(hot), List.of(), false), clock);

    Optional<SampleBatch> admitted =
        enforcer.admit(
            new SampleBatch(
                "line-1",
                List.of(
                    good("a", 51L),
                    good("b", 49.5),
                    good("c", 50.5),
                    Sample.bad("d", NOW, "degC"))));

    assertThat(tags(admitted)).containsExactly("a", "c");
  }

  @Test
  void admit_outOfRange_isDroppedOrFlaggedAsConfigured() throws Exception {
    TelemetryRule drop = ranged("drop", "drop-*", TelemetryRule.OutOfRange.DROP);
    TelemetryRule flag = ranged("flag", "flag-*", TelemetryRule.OutOfRange.FLAG);
    PolicyEnforcer enforcer =
        new PolicyEnforcer(Policy.compile(List.of(drop, flag), List.of(), false), clock);

    Optional<SampleBatch> dropped =
        enforcer.admit(new SampleBatch("drop-1", List.of(good("t", 150.0), good("u", 99.0))));
    Optional<SampleBatch> flagged =
        enforcer.admit(new SampleBatch("flag-1", List.of(good("t", -1.0))));

    assertThat(tags(dropped)).containsExactly("u");
    assertThat(flagged.orElseThrow().samples().get(0).quality()).isEqualTo(Quality.BAD);
    assertThat(flagged.orElseThrow().samples().get(0).value()).isNull();
    assertThat(enforcer.countOf("telemetry", "drop", "out-of-range-dropped")).isEqualTo(1);
    assertThat(enforcer.countOf("telemetry", "flag", "out-of-range-flagged")).isEqualTo(1);
  }

  private static TelemetryRule ranged(String id, String devices, TelemetryRule.OutOfRange outside) {
    return new TelemetryRule(
        id,
        List.of(devices),
        List.of("*"),
        Optional.empty(),
        true,
        Optional.of(new Range(0, 100)),
        outside,
        Optional.empty(),
        OptionalInt.empty(),
        false,
        false);
  }

  @Test
  void admit_burstAboveRate_isCutToBucketAndRefills() throws Exception {
    TelemetryRule limited =
        new TelemetryRule(
            "limited",
            List.of("*"),
            List.of("*"),
            Optional.empty(),
            true,
            Optional.empty(),
            TelemetryRule.OutOfRange.DROP,
            Optional.of(new RateLimit(2, 3)),
            OptionalInt.empty(),
            false,
            false);
    PolicyEnforcer enforcer =
        new PolicyEnforcer(Policy.compile(List.of(limited), List.of(), false), clock);

    int passed = 0;
    for (int i = 0; i < 10; i++) {
      passed += enforcer.admit(new SampleBatch("d", List.of(good("t", 1.0)))).isPresent() ? 1 : 0;
    }
    clock.advance(Duration.ofSeconds(1));
    int afterOneSecond = 0;
    for (int i = 0; i < 10; i++) {
      afterOneSecond +=
          enforcer.admit(new SampleBatch("d", List.of(good("t", 1.0)))).isPresent() ? 1 : 0;
    }

    assertThat(passed).isEqualTo(3);
    assertThat(afterOneSecond).isEqualTo(2);
    assertThat(enforcer.countOf("telemetry", "limited", "rate-limited")).isEqualTo(15);
  }

  @Test
  void admit_roundAndRedact_changeOnlyWhatTheRuleSays() throws Exception {
    TelemetryRule coarse =
        new TelemetryRule(
            "coarse",
            List.of("*"),
            List.of("*"),
            Optional.empty(),
            true,
            Optional.empty(),
            TelemetryRule.OutOfRange.DROP,
            Optional.empty(),
            OptionalInt.of(1),
            true,
            true);
    PolicyEnforcer enforcer =
        new PolicyEnforcer(Policy.compile(List.of(coarse), List.of(), false), clock);

    Sample sample =
        enforcer
            .admit(new SampleBatch("d", List.of(good("t", 21.4567), good("n", 42L))))
            .orElseThrow()
            .samples()
            .get(0);

    assertThat(sample.value()).isEqualTo(21.5);
    assertThat(sample.unit()).isEmpty();
    assertThat(sample.sourceTime()).isEqualTo(NOW);
  }

  @Test
  void compile_typeAndSyntaxErrors_reportFileLineColumnAndRule() {
    TelemetryRule typo =
        new TelemetryRule(
            "typo",
            List.of("*"),
            List.of("*"),
            Optional.of(cel("vlaue > 3")),
            true,
            Optional.empty(),
            TelemetryRule.OutOfRange.DROP,
            Optional.empty(),
            OptionalInt.empty(),
            false,
            false);
    CommandRule notBool =
        new CommandRule(
            "not-bool",
            List.of("*"),
            List.of("*"),
            Set.of("operator"),
            Optional.of(new Expression("value + 1", "policies/c.yaml", 3, 11)),
            Optional.empty(),
            Optional.empty());
    CommandRule syntax =
        new CommandRule(
            "syntax",
            List.of("*"),
            List.of("*"),
            Set.of("operator"),
            Optional.of(new Expression("value >", "policies/c.yaml", 9, 11)),
            Optional.empty(),
            Optional.empty());

    PolicyException e =
        catchThrowableOfType(
            PolicyException.class,
            () -> Policy.compile(List.of(typo), List.of(notBool, syntax), false));

    assertThat(e.problems())
        .extracting(p -> p.file() + ":" + p.line() + ":" + p.column() + " " + p.ruleId())
        .containsExactly(
            "policies/p.yaml:7:13 typo",
            "policies/c.yaml:3:17 not-bool",
            "policies/c.yaml:9:18 syntax");
    assertThat(e.problems().get(0).message()).contains("undeclared reference to 'vlaue'");
  }

  @Test
  void decide_rolesRangeRateAndCondition_giveTheirReasons() throws Exception {
    CommandRule setpoint =
        new CommandRule(
            "setpoint",
            List.of("line-*"),
            List.of("setpoint"),
            Set.of("operator"),
            Optional.of(cel("signer != 'mallory'")),
            Optional.of(new Range(0, 80)),
            Optional.of(new RateLimit(0.1, 2)));
    PolicyEnforcer enforcer =
        new PolicyEnforcer(Policy.compile(List.of(), List.of(setpoint), false), clock);

    assertThat(enforcer.decide(request("line-1", "setpoint", 50.0, "operator", "alice")))
        .isEqualTo(new Decision.Permit("setpoint"));
    assertThat(reason(enforcer.decide(request("line-1", "setpoint", 90L, "operator", "a"))))
        .isEqualTo("out-of-range");
    assertThat(reason(enforcer.decide(request("line-1", "setpoint", 5.0, "viewer", "a"))))
        .isEqualTo("role-not-granted");
    assertThat(reason(enforcer.decide(request("line-1", "speed", 5.0, "operator", "a"))))
        .isEqualTo("not-permitted");
    assertThat(reason(enforcer.decide(request("line-1", "setpoint", 5.0, "operator", "mallory"))))
        .isEqualTo("not-permitted");
    assertThat(enforcer.decide(request("line-1", "setpoint", 5L, "operator", "a")))
        .isInstanceOf(Decision.Permit.class);
    assertThat(reason(enforcer.decide(request("line-1", "setpoint", 5L, "operator", "a"))))
        .isEqualTo("rate-limited");
  }

  @Test
  void decide_conditionOnTimeOfDay_usesTheGatewayClockInUtc() throws Exception {
    CommandRule dayShift =
        new CommandRule(
            "day-shift",
            List.of("pump-*"),
            List.of("speed"),
            Set.of("maintenance"),
            Optional.of(cel("time.getHours() >= 6 && time.getHours() < 22")),
            Optional.empty(),
            Optional.empty());
    PolicyEnforcer enforcer =
        new PolicyEnforcer(Policy.compile(List.of(), List.of(dayShift), false), clock);

    Decision atTen = enforcer.decide(request("pump-1", "speed", 900L, "maintenance", "m"));
    clock.advance(Duration.ofHours(13));
    Decision atEleven = enforcer.decide(request("pump-1", "speed", 900L, "maintenance", "m"));

    assertThat(atTen).isEqualTo(new Decision.Permit("day-shift"));
    assertThat(reason(atEleven)).isEqualTo("not-permitted");
  }

  private static CommandRequest request(
      String device, String tag, Object value, String role, String signer) {
    return new CommandRequest(device, tag, value, Set.of(role), signer);
  }

  private static String reason(Decision decision) {
    return decision instanceof Decision.Deny deny ? deny.reason() : "permitted";
  }

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
