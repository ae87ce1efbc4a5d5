package dev.trustbridge.benchmarks.load;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Which pipeline a run measures. */
enum Profile {
  /** {@link BarePipeline}: poll, JSON, QoS 1 publish over mutual TLS; nothing else. */
  BARE("bare"),
  /**
   * The gateway ({@code trustbridge run}) with everything: policy, signed envelopes, encrypted
   * durable outbox, attestation, audit log, metrics; identity in the software vault.
   */
  FULL("full"),
  /**
   * As {@link #FULL}, with the identity key inside a SoftHSM2 token and the outbox's data key
   * wrapped by a key of that token; needs the trust rig.
   */
  FULL_SOFTHSM2("full-softhsm2");

  private final String label;

  Profile(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** Whether the run is the gateway, with the trust pipeline, rather than the bare pipeline. */
  boolean trusted() {
    return this != BARE;
  }

  static Profile of(String label) {
    return Arrays.stream(values())
        .filter(profile -> profile.label.equals(label.strip()))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown profile '"
                        + label
                        + "'; known: "
                        + Arrays.stream(values())
                            .map(Profile::label)
                            .collect(Collectors.joining(", "))));
  }

  /** bare and full, and full-softhsm2 where the trust rig is set up. */
  static List<String> defaults() {
    return GatewayVaults.rig().isPresent()
        ? List.of(BARE.label, FULL.label, FULL_SOFTHSM2.label)
        : List.of(BARE.label, FULL.label);
  }
}
