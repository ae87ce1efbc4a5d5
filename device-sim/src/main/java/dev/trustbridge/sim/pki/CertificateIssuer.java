package dev.trustbridge.sim.pki;

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
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Creates the EC P-256 keys and X.509 certificates of the development PKI. */
final class CertificateIssuer {

  static final Duration CA_VALIDITY = Duration.ofDays(5 * 365);
  static final Duration LEAF_VALIDITY = Duration.ofDays(365);
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  private final SecureRandom random = new SecureRandom();

  /**
   * A new key with a self-signed CA certificate: basic constraints CA without a path length limit,
   * because gateway identities below it are CAs for their session certificates; keyCertSign and
   * cRLSign.
   */
  KeyAndCertificate createCa(String commonName, Instant now) {
    KeyPair keys = generateKeyPair();
    X500Name subject = name(commonName);
    try {
      X509v3CertificateBuilder builder =
          builder(
                  subject,
                  subject,
                  keys.getPublic(),
                  backdated(now),
                  backdated(now).plus(CA_VALIDITY))
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
      return new KeyAndCertificate(keys.getPrivate(), sign(builder, keys.getPrivate()));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot build the development CA certificate", e);
    }
  }

  /** A new key with a TLS server certificate for the given names, valid for a year from now. */
  KeyAndCertificate issueServer(
      String commonName, KeyAndCertificate ca, Instant now, GeneralName... alternativeNames) {
    return issueServer(
        commonName, ca, backdated(now), backdated(now).plus(LEAF_VALIDITY), alternativeNames);
  }

  /** A new key with a TLS server certificate for the given names and validity period. */
  KeyAndCertificate issueServer(
      String commonName,
      KeyAndCertificate ca,
      Instant notBefore,
      Instant notAfter,
      GeneralName... alternativeNames) {
    KeyPair keys = generateKeyPair();
    return new KeyAndCertificate(
        keys.getPrivate(),
        certify(
            name(commonName),
            keys.getPublic(),
            ca,
            notBefore,
            notAfter,
            Profile.END_ENTITY,
            KeyPurposeId.id_kp_serverAuth,
            alternativeNames));
  }

  /** A new key with a TLS client certificate whose common name is {@code commonName}. */
  KeyAndCertificate issueClient(String commonName, KeyAndCertificate ca, Instant now) {
    KeyPair keys = generateKeyPair();
    return new KeyAndCertificate(
        keys.getPrivate(), certifyClient(name(commonName), keys.getPublic(), ca, now));
  }

  /**
   * A new key with a certificate for a person who signs commands: the common name, then one X.520
   * {@code role} attribute per role; a TLS client and signing certificate like {@link
   * #issueClient}.
   */
  KeyAndCertificate issueOperator(
      String commonName, List<String> roles, KeyAndCertificate ca, Instant now) {
    X500NameBuilder subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "TrustBridge development")
            .addRDN(BCStyle.CN, commonName);
    for (String role : roles) {
      subject.addRDN(ROLE, role);
    }
    KeyPair keys = generateKeyPair();
    return new KeyAndCertificate(
        keys.getPrivate(), certifyClient(subject.build(), keys.getPublic(), ca, now));
  }

  /**
   * A gateway identity certificate: TLS client (clientAuth, digitalSignature) and issuer of the
   * gateway's own short-lived session certificates (CA with path length 0, keyCertSign).
   */
  X509Certificate certifyGatewayIdentity(
      X500Name subject, PublicKey key, KeyAndCertificate ca, Instant now) {
    return certify(
        subject,
        key,
        ca,
        backdated(now),
        backdated(now).plus(LEAF_VALIDITY),
        Profile.GATEWAY_IDENTITY,
        KeyPurposeId.id_kp_clientAuth);
  }

  /** A new key with a gateway identity certificate, see {@link #certifyGatewayIdentity}. */
  KeyAndCertificate issueGatewayIdentity(X500Name subject, KeyAndCertificate ca, Instant now) {
    KeyPair keys = generateKeyPair();
    return new KeyAndCertificate(
        keys.getPrivate(), certifyGatewayIdentity(subject, keys.getPublic(), ca, now));
  }

  /** The X.520 role attribute. */
  static final ASN1ObjectIdentifier ROLE = new ASN1ObjectIdentifier("2.5.4.72");

  /** What a certificate may do besides its extended key usage. */
  private enum Profile {
    END_ENTITY(new BasicConstraints(false), KeyUsage.digitalSignature),
    GATEWAY_IDENTITY(new BasicConstraints(0), KeyUsage.digitalSignature | KeyUsage.keyCertSign);

    final BasicConstraints constraints;
    final int keyUsage;

    Profile(BasicConstraints constraints, int keyUsage) {
      this.constraints = constraints;
      this.keyUsage = keyUsage;
    }
  }

  /** A client certificate for a key held elsewhere, e.g. in a token that sent a CSR. */
  X509Certificate certifyClient(
      X500Name subject, PublicKey key, KeyAndCertificate ca, Instant now) {
    return certify(
        subject,
        key,
        ca,
        backdated(now),
        backdated(now).plus(LEAF_VALIDITY),
        Profile.END_ENTITY,
        KeyPurposeId.id_kp_clientAuth);
  }

  private X509Certificate certify(
      X500Name subject,
      PublicKey key,
      KeyAndCertificate ca,
      Instant notBefore,
      Instant notAfter,
      Profile profile,
      KeyPurposeId purpose,
      GeneralName... alternativeNames) {
    X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    try {
      JcaX509ExtensionUtils utils = extensionUtils();
      X509v3CertificateBuilder builder =
          builder(issuer, subject, key, notBefore, notAfter)
              .addExtension(Extension.basicConstraints, true, profile.constraints)
              .addExtension(Extension.keyUsage, true, new KeyUsage(profile.keyUsage))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
              .addExtension(
                  Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  utils.createAuthorityKeyIdentifier(ca.certificate()));
      if (alternativeNames.length > 0) {
        builder.addExtension(
            Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames));
      }
      return sign(builder, ca.privateKey());
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the certificate of " + subject, e);
    }
  }

  private static X500Name name(String commonName) {
    // most significant RDN first, so that it prints as "CN=…, O=…"
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "TrustBridge development")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  // tolerates clocks of peers that run a little behind
  private static Instant backdated(Instant now) {
    return now.minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
  }

  private X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Instant notBefore, Instant notAfter) {
    // positive and at most 20 octets, as RFC 5280 section 4.1.2.2 demands
    BigInteger serial = new BigInteger(159, random).add(BigInteger.ONE);
    return new JcaX509v3CertificateBuilder(
        issuer, serial, Date.from(notBefore), Date.from(notAfter), subject, key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKey)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a development certificate", e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-1 for key identifiers is not available", e);
    }
  }

  private KeyPair generateKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 key generation is not available", e);
    }
  }

  /** A private key with its certificate. */
  record KeyAndCertificate(PrivateKey privateKey, X509Certificate certificate) {}
}
