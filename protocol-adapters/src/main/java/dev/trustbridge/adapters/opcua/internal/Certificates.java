package dev.trustbridge.adapters.opcua.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Reading certificate files and naming certificates the way operators compare them. */
public final class Certificates {

  private Certificates() {}

  /** SHA-256 over the DER encoding, lowercase hex: what {@code opcua trust} and errors print. */
  public static String sha256(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 over a certificate failed", e);
    }
  }

  /** Every certificate in a DER or PEM file (a PEM file may hold several). */
  public static List<X509Certificate> read(Path file) throws IOException, CertificateException {
    byte[] bytes = Files.readAllBytes(file);
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    factory
        .generateCertificates(new ByteArrayInputStream(bytes))
        .forEach(c -> certificates.add((X509Certificate) c));
    if (certificates.isEmpty()) {
      throw new CertificateException(file + " holds no certificate");
    }
    return certificates;
  }

  /** The certificates of every {@code .der}, {@code .pem}, {@code .crt} or {@code .cer} file. */
  public static List<X509Certificate> readDirectory(Path directory)
      throws IOException, CertificateException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<X509Certificate> certificates = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".der")
            || name.endsWith(".pem")
            || name.endsWith(".crt")
            || name.endsWith(".cer")) {
          certificates.addAll(read(file));
        }
      }
    }
    return certificates;
  }

  /** Subject, thumbprint and validity on one line. */
  public static String describe(X509Certificate certificate) {
    return "subject='"
        + certificate.getSubjectX500Principal().getName()
        + "' sha256="
        + sha256(certificate)
        + " notBefore="
        + certificate.getNotBefore().toInstant()
        + " notAfter="
        + certificate.getNotAfter().toInstant();
  }
}
