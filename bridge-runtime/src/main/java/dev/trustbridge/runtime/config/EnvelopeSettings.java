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
 */
public record EnvelopeSettings(
    Duration sessionLifetime, ChainMode chainMode, Path stateDirectory) {}
