package dev.trustbridge.trust.vault.internal;

import dev.trustbridge.trust.vault.VaultException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;

/** Certificate helpers of the vault: placeholders, chain checks, fingerprints. */
final class Certificates {

  private static final Duration PLACEHOLDER_VALIDITY = Duration.ofDays(365);
  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  /**
   * A self-signed certificate for a freshly generated key, signed inside the vault. It only keeps
   * the key visible in PKCS#11 keystores until a CA-issued chain replaces it.
   */
  static X509Certificate placeholder(KeyPair pair, X500Name subject, ContentSigner signer)
      throws GeneralSecurityException, OperatorCreationException {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(PLACEHOLDER_VALIDITY)),
            subject,
            pair.getPublic());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  /**
   * Parses an RFC 4514 name ({@code CN=gw-01,OU=plant-a}: most specific first, as people write
   * them) into the X.500 name that certificates carry.
   */
  static X500Name name(String rfc4514) throws VaultException {
    try {
      return X500Name.getInstance(new X500Principal(rfc4514).getEncoded());
    } catch (IllegalArgumentException e) {
      throw new VaultException(
          VaultException.Reason.OPERATION_FAILED, "'" + rfc4514 + "' is not an X.500 name", e);
    }
  }

  /** Whether the leaf was issued by a CA rather than by its own key. */
  static boolean isIssuedByCa(X509Certificate leaf) {
    return !leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal());
  }

  /**
   * Checks that the chain belongs to the key and is a chain.
   *
   * @return what is wrong, or empty
   */
  static Optional<String> chainProblem(List<X509Certificate> chain, PublicKey key) {
    if (chain.isEmpty()) {
      return Optional.of("the chain is empty");
    }
    if (!chain.get(0).getPublicKey().equals(key)) {
      return Optional.of(
          "the leaf certificate "
              + chain.get(0).getSubjectX500Principal()
              + " is not for this key");
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      try {
        chain.get(i).verify(chain.get(i + 1).getPublicKey());
      } catch (GeneralSecurityException e) {
        return Optional.of(
            "certificate "
                + chain.get(i).getSubjectX500Principal()
                + " is not signed by the next one, "
                + chain.get(i + 1).getSubjectX500Principal());
      }
    }
    return Optional.empty();
  }

  /** SHA-256 of the SubjectPublicKeyInfo, lowercase hex. */
  static String fingerprint(PublicKey key) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
