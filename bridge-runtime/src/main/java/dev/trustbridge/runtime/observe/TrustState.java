package dev.trustbridge.runtime.observe;

import dev.trustbridge.policy.command.CommandAudit;
import dev.trustbridge.policy.command.CommandOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's trust decisions as meters and readiness: policy decisions by rule and result,
 * commands by result and reason, the last attestation and its outcome, integrity drift and
 * quarantine. The gateway reports to it; {@link #readiness()} says what keeps it from being ready.
 */
public final class TrustState {

  private final MeterRegistry registry;
  private final Clock clock;
  private final Duration attestationMaxAge;
  private final Instant started;
  private final AtomicReference<Instant> lastAttestation = new AtomicReference<>();
  private final AtomicReference<List<String>> drifted = new AtomicReference<>(List.of());
  private volatile boolean quarantined;

  /**
   * @param attestationMaxAge how long after the last published evidence the gateway is still ready
   */
  TrustState(MeterRegistry registry, Clock clock, Duration attestationMaxAge) {
    this.registry = registry;
    this.clock = clock;
    this.attestationMaxAge = attestationMaxAge;
    this.started = clock.instant();
    Gauge.builder(
            "trustbridge.attestation.last.success.timestamp",
            lastAttestation,
            last -> last.get() == null ? 0 : last.get().toEpochMilli() / 1000.0)
        .description("When evidence was last published, seconds since the epoch; 0 before")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("trustbridge.integrity.drifted", drifted, d -> d.get().isEmpty() ? 0 : 1)
        .description("1 once a measured component differs from the attested start")
        .register(registry);
    Gauge.builder("trustbridge.quarantined", this, state -> state.quarantined ? 1 : 0)
        .description("1 while the gateway refuses every command")
        .register(registry);
  }

  /**
   * Counts {@code count} policy decisions of one kind as {@code
   * trustbridge_policy_decisions_total}.
   */
  public void decided(String direction, String rule, String result, long count) {
    Counter.builder("trustbridge.policy.decisions")
        .description("Policy decisions by direction, rule and result")
        .tags("direction", direction, "rule", rule, "result", result)
        .register(registry)
        .increment(count);
  }

  /** Counts each command outcome as {@code trustbridge_commands_total}, then passes it on. */
  public CommandAudit counting(CommandAudit audit) {
    return outcome -> {
      count(outcome);
      audit.record(outcome);
    };
  }

  private void count(CommandOutcome outcome) {
    Counter.builder("trustbridge.commands")
        .description("Commands by result and reason code")
        .tags(
            "result", outcome.status().name().toLowerCase(Locale.ROOT), "reason", outcome.reason())
        .register(registry)
        .increment();
  }

  /** Evidence was published, or could not be made or published. */
  public void attested(boolean published) {
    if (published) {
      lastAttestation.set(clock.instant());
    }
    Counter.builder("trustbridge.attestations")
        .description("Evidence publications by result")
        .tag("result", published ? "published" : "failed")
        .register(registry)
        .increment();
  }

  /** The measured state drifted: these components changed. */
  public void drifted(List<String> components) {
    drifted.set(List.copyOf(components));
  }

  /** The gateway entered or left quarantine. */
  public void quarantined(boolean quarantined) {
    this.quarantined = quarantined;
  }

  /** Why the gateway is not ready on trust grounds; empty when it is. */
  public Optional<String> readiness() {
    if (quarantined) {
      return Optional.of(
          "quarantined: commands are refused"
              + (drifted.get().isEmpty() ? "" : "; drifted components " + drifted.get()));
    }
    Instant now = clock.instant();
    Instant last = lastAttestation.get();
    Instant since = last == null ? started : last;
    if (Duration.between(since, now).compareTo(attestationMaxAge) > 0) {
      return Optional.of(
          last == null
              ? "no attestation evidence published since start " + started
              : "attestation stale: last evidence published " + last);
    }
    return Optional.empty();
  }
}
