package dev.trustbridge.runtime.health;

import dev.trustbridge.runtime.observe.TrustState;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Readiness of the gateway's trust state: not quarantined, and attestation fresh. */
public final class TrustStateHealthCheck extends AbstractHealthCheck {

  /** The check's id in Camel's health registry. */
  public static final String ID = "trustbridge-trust-state";

  private final TrustState state;

  public TrustStateHealthCheck(TrustState state) {
    super("trustbridge", ID);
    this.state = state;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    Optional<String> problem = state.readiness();
    if (problem.isEmpty()) {
      builder.up();
    } else {
      builder.message(problem.get()).down();
    }
  }
}
