package dev.trustbridge.runtime.observe;

import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.PemCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A certificate whose expiry the gateway watches, under a name from a bounded set: {@code
 * identity}, {@code session}, {@code broker-ca:<uplink>}.
 *
 * @param name the value of the {@code certificate} label
 * @param notAfter when it expires, read anew on every call (identity and session certificates
 *     change at runtime)
 * @param gatesReadiness whether readiness goes DOWN when it expires soon; session certificates are
 *     short-lived by design and replaced automatically, so only their expiry counts
 */
public record WatchedCertificate(String name, Supplier<Instant> notAfter, boolean gatesReadiness) {

  /** The leaf of the identity's installed chain. */
  public static WatchedCertificate identity(Identity identity) {
    return new WatchedCertificate(
        "identity", () -> identity.certificateChain().get(0).getNotAfter().toInstant(), true);
  }

  /** The gateway's OPC UA application instance certificate. */
  public static WatchedCertificate opcuaClient(X509Certificate certificate) {
    return new WatchedCertificate(
        "opcua-client", () -> certificate.getNotAfter().toInstant(), true);
  }

  /** The session certificate that signs now. */
  public static WatchedCertificate session(SessionKeys keys) {
    return new WatchedCertificate(
        "session", () -> keys.currentChain().get(0).getNotAfter().toInstant(), false);
  }

  /**
   * The CA certificates an uplink verifies its broker with, read once: the earliest expiry among
   * them, since the uplink breaks when that one expires.
   *
   * @throws IllegalArgumentException if the file holds no readable certificate
   */
  public static WatchedCertificate brokerCa(String uplink, Path caFile) {
    Instant expiry;
    try {
      expiry =
          PemCertificates.read(caFile).stream()
              .map(certificate -> certificate.getNotAfter().toInstant())
              .min(Instant::compareTo)
              .orElseThrow();
    } catch (IOException e) {
      throw new IllegalArgumentException("uplink '" + uplink + "': " + e.getMessage(), e);
    }
    return new WatchedCertificate("broker-ca:" + uplink, () -> expiry, true);
  }
}
