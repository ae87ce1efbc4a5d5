package dev.trustbridge.adapters.opcua;

import java.util.Optional;

/**
 * What the device registry expects of a server's identity: its ApplicationUri and the SHA-256
 * thumbprint of its application certificate. Checked at every connect; a mismatch means the device
 * was swapped or is impersonated, and stops the device's flow.
 *
 * @param applicationUri the expected ApplicationUri, if the registry names one
 * @param certificateSha256 the expected certificate thumbprint (lowercase hex), if named
 */
public record OpcUaFingerprint(
    Optional<String> applicationUri, Optional<String> certificateSha256) {

  public OpcUaFingerprint {
    certificateSha256 = certificateSha256.map(OpcUaServerTrust::normalize);
    certificateSha256.ifPresent(
        hex -> {
          if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                "fingerprint certificateSha256 '" + hex + "' is not 64 hex digits");
          }
        });
  }

  /** Expects nothing. */
  public static OpcUaFingerprint none() {
    return new OpcUaFingerprint(Optional.empty(), Optional.empty());
  }

  /** Whether anything is expected. */
  public boolean isSet() {
    return applicationUri.isPresent() || certificateSha256.isPresent();
  }
}
