package dev.trustbridge.runtime.health;

import dev.trustbridge.runtime.observe.WatchedCertificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the gateway's certificates: DOWN when the identity certificate or a broker CA
 * certificate expires within the configured minimum validity, so that an operator renews it before
 * uplinks break, not after; and DOWN when the session certificate has expired, which means the
 * vault could not certify a new session key and nothing can be signed.
 */
public final class CertificateHealthCheck extends AbstractHealthCheck {

  /** The check's id in Camel's health registry. */
  public static final String ID = "trustbridge-certificates";

  private final List<WatchedCertificate> certificates;
  private final Duration minValidity;
  private final Clock clock;

  public CertificateHealthCheck(
      List<WatchedCertificate> certificates, Duration minValidity, Clock clock) {
    super("trustbridge", ID);
    this.certificates = List.copyOf(certificates);
    this.minValidity = minValidity;
    this.clock = clock;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    Instant now = clock.instant();
    List<String> expiring = new ArrayList<>();
    builder.detail("certificates.minValidity", minValidity.toString());
    for (WatchedCertificate certificate : certificates) {
      Instant notAfter = certificate.notAfter().get();
      builder.detail("certificate." + certificate.name() + ".notAfter", notAfter.toString());
      Instant deadline = certificate.gatesReadiness() ? now.plus(minValidity) : now;
      if (notAfter.isBefore(deadline)) {
        expiring.add(
            certificate.name()
                + (notAfter.isAfter(now) ? " expires at " : " expired at ")
                + notAfter);
      }
    }
    if (expiring.isEmpty()) {
      builder.up();
    } else {
      builder
          .message(
              "certificate expired or valid for less than "
                  + minValidity
                  + ": "
                  + String.join(", ", expiring))
          .down();
    }
  }
}
