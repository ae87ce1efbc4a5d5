package dev.trustbridge.trust.envelope.internal;

import com.nimbusds.jose.jwk.Curve;
import dev.trustbridge.trust.envelope.SessionKeys;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The certificate profiles of envelope signing, checked by the signer before it certifies and by
 * the verifier on every chain: what {@link SessionKeys} documents, in one place.
 */
final class CertificateProfiles {

  /** id-kp-clientAuth. */
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_CERT_SIGN = 5;

  /**
   * The site and gateway that an identity certificate names.
   *
   * @param site the only OU
   * @param gateway the only CN
   */
  record Names(String site, String gateway) {}

  private CertificateProfiles() {}

  /** The site and gateway of an identity certificate, or what keeps it from naming them. */
  static Names names(X509Certificate identity) throws ProfileException {
    X500Name subject = X500Name.getInstance(identity.getSubjectX500Principal().getEncoded());
    return new Names(only(subject, BCStyle.OU, "OU"), only(subject, BCStyle.CN, "CN"));
  }

  private static String only(X500Name subject, ASN1ObjectIdentifier type, String label)
      throws ProfileException {
    RDN[] rdns = subject.getRDNs(type);
    if (rdns.length != 1 || rdns[0].isMultiValued()) {
      throw new ProfileException(
          "subject " + subject + " must have exactly one " + label + ", has " + rdns.length);
    }
    if (!(rdns[0].getFirst().getValue() instanceof ASN1String text) || text.getString().isBlank()) {
      throw new ProfileException("the " + label + " of subject " + subject + " is not a text");
    }
    return text.getString();
  }

  /**
   * Checks the identity profile: CA:true with pathLenConstraint 0, keyUsage keyCertSign and
   * digitalSignature, extendedKeyUsage clientAuth, one CN and one OU.
   *
   * @return the names of the identity
   */
  static Names requireIdentity(X509Certificate certificate) throws ProfileException {
    int pathLength = certificate.getBasicConstraints();
    if (pathLength != 0) {
      throw new ProfileException(
          certificate.getSubjectX500Principal()
              + " must have basicConstraints CA:true with pathLenConstraint 0, has "
              + describeBasicConstraints(pathLength));
    }
    boolean[] usage = certificate.getKeyUsage();
    if (usage == null || !usage[KEY_CERT_SIGN] || !usage[DIGITAL_SIGNATURE]) {
      throw new ProfileException(
          certificate.getSubjectX500Principal()
              + " must have keyUsage keyCertSign and digitalSignature");
    }
    List<String> purposes;
    try {
      purposes = certificate.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new ProfileException(
          certificate.getSubjectX500Principal() + " has an unreadable extendedKeyUsage");
    }
    if (purposes == null || !purposes.contains(CLIENT_AUTH)) {
      throw new ProfileException(
          certificate.getSubjectX500Principal() + " must have extendedKeyUsage clientAuth");
    }
    return names(certificate);
  }

  /**
   * Checks the session profile: not a CA, keyUsage digitalSignature and nothing else, an EC P-256
   * key, validity at most {@link SessionKeys#MAX_VALIDITY}.
   */
  static void requireSession(X509Certificate certificate) throws ProfileException {
    if (certificate.getBasicConstraints() != -1) {
      throw new ProfileException(
          "session certificate " + certificate.getSubjectX500Principal() + " must not be a CA");
    }
    boolean[] usage = certificate.getKeyUsage();
    boolean onlySigning = usage != null && usage[DIGITAL_SIGNATURE];
    for (int i = 1; usage != null && i < usage.length; i++) {
      onlySigning &= !usage[i];
    }
    if (!onlySigning) {
      throw new ProfileException(
          "session certificate "
              + certificate.getSubjectX500Principal()
              + " must have keyUsage digitalSignature and no other");
    }
    if (!(certificate.getPublicKey() instanceof ECPublicKey key)
        || !Curve.P_256.equals(Curve.forECParameterSpec(key.getParams()))) {
      throw new ProfileException(
          "session certificate "
              + certificate.getSubjectX500Principal()
              + " must carry an EC P-256 key for ES256");
    }
    Duration validity =
        Duration.between(
            certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    if (validity.compareTo(SessionKeys.MAX_VALIDITY) > 0) {
      throw new ProfileException(
          "session certificate "
              + certificate.getSubjectX500Principal()
              + " is valid for "
              + validity
              + ", longer than "
              + SessionKeys.MAX_VALIDITY);
    }
  }

  private static String describeBasicConstraints(int pathLength) {
    if (pathLength == -1) {
      return "CA:false";
    }
    return pathLength == Integer.MAX_VALUE
        ? "CA:true without pathLenConstraint"
        : "CA:true with pathLenConstraint " + pathLength;
  }

  /** A certificate lacks its profile; the message says what is missing. */
  static final class ProfileException extends Exception {
    private static final long serialVersionUID = 1L;

    ProfileException(String message) {
      super(message);
    }
  }
}
