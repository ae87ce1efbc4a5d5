package dev.trustbridge.benchmarks.load;

import java.util.Locale;

/** Which pipeline a run measures. */
enum Profile {
  /** {@link BarePipeline}: poll, JSON, QoS 1 publish over mutual TLS; nothing else. */
  BARE,
  /**
   * The gateway ({@code trustbridge run}) with everything: policy, signed envelopes, encrypted
   * durable outbox, attestation, audit log, metrics; identity in the software vault.
   */
  FULL;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Profile of(String label) {
    try {
      return valueOf(label.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown profile '" + label + "'; known: bare, full", e);
    }
  }
}
