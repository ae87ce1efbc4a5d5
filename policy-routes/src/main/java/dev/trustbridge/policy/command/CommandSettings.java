package dev.trustbridge.policy.command;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * How the gateway accepts commands.
 *
 * @param operatorCas the CAs whose certificates may sign commands
 * @param maxValidity the longest window ({@code exp − nbf}) a command may have, so that a signed
 *     command cannot be kept for later use
 */
public record CommandSettings(List<X509Certificate> operatorCas, Duration maxValidity) {

  /** The default of {@link #maxValidity}. */
  public static final Duration DEFAULT_MAX_VALIDITY = Duration.ofMinutes(15);

  public CommandSettings {
    operatorCas = List.copyOf(operatorCas);
    if (operatorCas.isEmpty()) {
      throw new IllegalArgumentException("commands need at least one operator CA");
    }
    if (maxValidity.isNegative() || maxValidity.isZero()) {
      throw new IllegalArgumentException("maxValidity must be positive, was " + maxValidity);
    }
  }
}
