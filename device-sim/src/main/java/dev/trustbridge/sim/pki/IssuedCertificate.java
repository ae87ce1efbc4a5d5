package dev.trustbridge.sim.pki;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate of the {@link DevelopmentPki} with its private key: the PEM certificate and the
 * PKCS#12 keystore that holds key and chain (leaf, CA) under the alias {@link #name()}, protected
 * by the password in {@link DevelopmentPki#passwordFile()}.
 *
 * @param name the certificate's name, also its keystore alias and file name stem
 * @param certificate the leaf certificate
 * @param certificateFile the leaf certificate as PEM ({@code <name>.pem})
 * @param keyStoreFile the PKCS#12 keystore ({@code <name>.p12})
 */
public record IssuedCertificate(
    String name, X509Certificate certificate, Path certificateFile, Path keyStoreFile) {

  public IssuedCertificate {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(certificateFile, "certificateFile");
    Objects.requireNonNull(keyStoreFile, "keyStoreFile");
  }
}
