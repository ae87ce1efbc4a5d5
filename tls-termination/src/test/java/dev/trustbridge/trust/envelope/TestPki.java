package dev.trustbridge.trust.envelope;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A fleet CA for tests, and the certificates it issues in the profiles envelopes care about. */
public final class TestPki {

  static final String ROOT_NAME = "CN=TrustBridge Test Fleet CA,O=TrustBridge";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private final KeyPair rootKey;
  private final X509Certificate root;
  private final Instant now;

  private TestPki(KeyPair rootKey, X509Certificate root, Instant now) {
    this.rootKey = rootKey;
    this.root = root;
    this.now = now;
  }

  /** A root CA with the usual name, valid ten years around {@code now}. */
  public static TestPki create(Instant now) {
    return create(now, ROOT_NAME);
  }

  static TestPki create(Instant now, String rootName) {
    try {
      KeyPair key = newKeyPair();
      X500Name name = name(rootName);
      X509v3CertificateBuilder builder =
          builder(
                  name,
                  name,
                  key.getPublic(),
                  now.minus(Duration.ofDays(1)),
                  now.plus(Duration.ofDays(3650)))
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new TestPki(key, convert(builder, key.getPrivate()), now);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate root() {
    return root;
  }

  /**
   * A gateway identity certificate: CA:true pathLen 0, keyCertSign + digitalSignature, clientAuth.
   */
  X509Certificate issueIdentity(PublicKey key, String subject) {
    return issueIdentity(
        key, subject, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
  }

  X509Certificate issueIdentity(
      PublicKey key, String subject, Instant notBefore, Instant notAfter) {
    try {
      return convert(
          builder(
                  X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                  name(subject),
                  key,
                  notBefore,
                  notAfter)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(root)),
          rootKey.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A plain TLS client certificate, as issued before session keys: CA:false, clientAuth. */
  X509Certificate issueClient(PublicKey key, String subject) {
    try {
      return convert(
          builder(
                  X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                  name(subject),
                  key,
                  now.minus(Duration.ofDays(1)),
                  now.plus(Duration.ofDays(365)))
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)),
          rootKey.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An issuing CA (pathLen 0, keyCertSign) that is not a gateway identity: no clientAuth. */
  X509Certificate issueIssuingCa(PublicKey key, String subject) {
    try {
      return convert(
          builder(
                  X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                  name(subject),
                  key,
                  now.minus(Duration.ofDays(1)),
                  now.plus(Duration.ofDays(365)))
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
          rootKey.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(key);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static X500Name name(String rfc4514) {
    return X500Name.getInstance(new X500Principal(rfc4514).getEncoded());
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Instant notBefore, Instant notAfter)
      throws GeneralSecurityException, CertIOException {
    return new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, RANDOM).setBit(63),
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            key)
        .addExtension(
            Extension.subjectKeyIdentifier,
            false,
            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key));
  }

  private static X509Certificate convert(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .setProvider(BC)
        .getCertificate(builder.build(signer(signer)));
  }
}
