package dev.trustbridge.runtime.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the gateway keeps telemetry between signing and the broker's acknowledgement: one outbox per
 * uplink in one encrypted store in the state directory.
 *
 * @param maxBytes the most an uplink's outbox holds, counted as stored (encrypted) bytes
 * @param maxAge how long an envelope may wait; older ones are dropped as expired. Empty: no limit
 * @param whenFull what happens to new envelopes when an outbox holds {@code maxBytes}
 * @param inFlight the most publishes per uplink that wait for their PUBACK at once
 * @param keyProtection how the store's data key is protected on disk
 * @param tcti the TPM connection for {@link KeyProtection#TPM}; empty: tpm2-tools' default
 */
public record OutboxSettings(
    long maxBytes,
    Optional<Duration> maxAge,
    WhenFull whenFull,
    int inFlight,
    KeyProtection keyProtection,
    Optional<String> tcti) {

  /** The default of {@code maxBytes}: 256 MiB. */
  public static final long DEFAULT_MAX_BYTES = 256L << 20;

  /** The default of {@code inFlight}. */
  public static final int DEFAULT_IN_FLIGHT = 64;

  public OutboxSettings {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(whenFull, "whenFull");
    Objects.requireNonNull(keyProtection, "keyProtection");
    Objects.requireNonNull(tcti, "tcti");
  }

  /** The defaults: 256 MiB, no age limit, block when full. */
  public static OutboxSettings defaults() {
    return new OutboxSettings(
        DEFAULT_MAX_BYTES,
        Optional.empty(),
        WhenFull.BLOCK,
        DEFAULT_IN_FLIGHT,
        KeyProtection.AUTO,
        Optional.empty());
  }

  /** What a full outbox does with a new envelope. */
  public enum WhenFull {
    /** The producer waits until deliveries make room: backpressure to polling; nothing is lost. */
    BLOCK("block"),
    /** The oldest envelopes not yet in flight are dropped, counted and announced to verifiers. */
    DROP_OLDEST("dropOldest");

    private final String configName;

    WhenFull(String configName) {
      this.configName = configName;
    }

    /** The name in {@code trustbridge.yaml}. */
    public String configName() {
      return configName;
    }
  }

  /** How the data key of the store is kept on disk. */
  public enum KeyProtection {
    /** TPM sealing for a tpm2-pkcs11 vault, a token key for other tokens, else the software one. */
    AUTO("auto"),
    /** Sealed by the TPM with tpm2-tools. */
    TPM("tpm"),
    /** Wrapped by a non-extractable AES key on the vault's PKCS#11 token. */
    TOKEN("token"),
    /** Wrapped by a key in the software key store; development only. */
    SOFTWARE("software");

    private final String configName;

    KeyProtection(String configName) {
      this.configName = configName;
    }

    /** The name in {@code trustbridge.yaml}. */
    public String configName() {
      return configName;
    }
  }
}
