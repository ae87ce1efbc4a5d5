package dev.trustbridge.runtime.config;

import dev.trustbridge.trust.envelope.ChainMode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the gateway signs what leaves it.
 *
 * @param sessionLifetime how long a session certificate is valid; the identity key signs one per
 *     lifetime, the session key signs every envelope
 * @param chainMode whether envelopes carry their certificate chain or only its thumbprint, with the
 *     chains published retained on {@code tb/v1/{site}/{gateway}/$certs}
 * @param stateDirectory where the per-device sequence numbers and hash links are kept across
 *     restarts
 * @param maxSamples the most samples in one envelope; a larger poll becomes several envelopes
 */
public record EnvelopeSettings(
    Duration sessionLifetime, ChainMode chainMode, Path stateDirectory, int maxSamples) {

  /** The default of {@code maxSamples}: envelopes stay far below verifiers' size limit of 1 MiB. */
  public static final int DEFAULT_MAX_SAMPLES = 1000;
}
