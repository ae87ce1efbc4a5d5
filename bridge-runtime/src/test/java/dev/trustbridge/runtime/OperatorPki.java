package dev.trustbridge.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An operator CA for tests: issues the certificates people sign commands with, each granting the
 * roles given as {@code role} attributes of its subject.
 */
final class OperatorPki {

  private static final ASN1ObjectIdentifier ROLE = new ASN1ObjectIdentifier("2.5.4.72");

  /** An operator's key and certificate chain. */
  record Operator(PrivateKey key, List<X509Certificate> chain) {}

  private final KeyPair caKey;
  private final X509Certificate ca;

  OperatorPki(String name) throws GeneralSecurityException {
    this.caKey = newKey();
    X500Name subject = new X500Name("CN=" + name);
    Instant now = Instant.now();
    try {
      this.ca =
          new JcaX509CertificateConverter()
              .getCertificate(
                  new JcaX509v3CertificateBuilder(
                          subject,
                          BigInteger.valueOf(new SecureRandom().nextLong() & Long.MAX_VALUE),
                          Date.from(now.minus(Duration.ofHours(1))),
                          Date.from(now.plus(Duration.ofDays(2))),
                          subject,
                          caKey.getPublic())
                      .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                      .addExtension(
                          Extension.keyUsage,
                          true,
                          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                      .build(
                          new JcaContentSignerBuilder("SHA256withECDSA")
                              .build(caKey.getPrivate())));
    } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  X509Certificate caCertificate() {
    return ca;
  }

  /** Writes the CA certificate as PEM. */
  Path writeCa(Path file) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(ca);
    }
    Files.writeString(file, text.toString());
    return file;
  }

  /** Issues an operator certificate with common name {@code name} and the given roles. */
  Operator operator(String name, String... roles) throws GeneralSecurityException {
    KeyPair key = newKey();
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name);
    for (String role : roles) {
      subject.addRDN(ROLE, role);
    }
    Instant now = Instant.now();
    try {
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  new JcaX509v3CertificateBuilder(
                          new X500Name(ca.getSubjectX500Principal().getName()),
                          BigInteger.valueOf(new SecureRandom().nextLong() & Long.MAX_VALUE),
                          Date.from(now.minus(Duration.ofHours(1))),
                          Date.from(now.plus(Duration.ofDays(1))),
                          subject.build(),
                          key.getPublic())
                      .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                      .addExtension(
                          Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                      .build(
                          new JcaContentSignerBuilder("SHA256withECDSA")
                              .build(caKey.getPrivate())));
      return new Operator(key.getPrivate(), List.of(certificate, ca));
    } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** Writes an operator's key and chain into a PKCS#12 file. */
  static Path writeKeyStore(Operator operator, Path file, char[] password)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "operator", operator.key(), password, operator.chain().toArray(Certificate[]::new));
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
    }
    return file;
  }

  private static KeyPair newKey() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }
}
