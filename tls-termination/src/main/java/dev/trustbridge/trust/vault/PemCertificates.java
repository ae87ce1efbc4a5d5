package dev.trustbridge.trust.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/** Reads the X.509 certificates of a PEM (or DER) file: CA files, chains, trust roots. */
public final class PemCertificates {

  private PemCertificates() {}

  /**
   * The certificates of the file, in file order.
   *
   * @throws IOException naming the file if it cannot be read, is not a certificate file, or holds
   *     no certificate
   */
  public static List<X509Certificate> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (certificates.isEmpty()) {
        throw new IOException(file + " holds no certificate");
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }
}
