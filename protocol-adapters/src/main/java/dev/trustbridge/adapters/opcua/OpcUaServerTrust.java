package dev.trustbridge.adapters.opcua;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which server application certificates the gateway accepts for one device: certificates given as
 * files, SHA-256 thumbprints, and the certificates in a trust directory, read again at every
 * connection attempt so that {@code trustbridge opcua trust} takes effect without a restart. A
 * trusted certificate that is a CA accepts the server certificates it issued.
 *
 * @param certificates trusted certificates (server or CA)
 * @param sha256Thumbprints SHA-256 over a trusted certificate's DER encoding, lowercase hex
 * @param directory a directory of trusted {@code .der}/{@code .pem}/{@code .crt} files, if any
 */
public record OpcUaServerTrust(
    List<X509Certificate> certificates, Set<String> sha256Thumbprints, Optional<Path> directory) {

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public OpcUaServerTrust {
    certificates = List.copyOf(certificates);
    Set<String> normalized = new HashSet<>();
    for (String thumbprint : sha256Thumbprints) {
      String hex = normalize(thumbprint);
      if (!SHA256_HEX.matcher(hex).matches()) {
        throw new IllegalArgumentException(
            "'" + thumbprint + "' is not a SHA-256 thumbprint (64 hex digits, ':' allowed)");
      }
      normalized.add(hex);
    }
    sha256Thumbprints = Set.copyOf(normalized);
    Objects.requireNonNull(directory, "directory");
  }

  /** Trusts nothing: every server is refused (or, in development mode, trusted on first use). */
  public static OpcUaServerTrust none() {
    return new OpcUaServerTrust(List.of(), Set.of(), Optional.empty());
  }

  /** A thumbprint as written by tools ({@code AB:CD:…} or {@code abcd…}) in lowercase hex. */
  public static String normalize(String thumbprint) {
    return thumbprint.strip().replace(":", "").toLowerCase(Locale.ROOT);
  }
}
