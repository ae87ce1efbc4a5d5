package dev.trustbridge.policy.signer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObjectJSON;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Checks that a message is a JWS of one {@code typ} signed by a key whose certificate chains to one
 * of the given CAs (the operator CA for commands, the configuration publishers' CA for
 * configuration bundles), and reads the roles that certificate grants: every {@code role} attribute
 * (X.520, OID 2.5.4.72) of its subject.
 */
public final class SignerTrust {

  /** The X.520 role attribute. */
  public static final ASN1ObjectIdentifier ROLE = new ASN1ObjectIdentifier("2.5.4.72");

  /** The signature algorithms accepted: ECDSA P-256/P-384 and RSA (PSS or PKCS#1 v1.5). */
  public static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.PS256, JWSAlgorithm.RS256);

  private static final int DIGITAL_SIGNATURE = 0;

  /**
   * An authentic command message.
   *
   * @param payload the signed payload, not yet read
   * @param signer the signer certificate's common name
   * @param roles the roles its subject grants
   */
  public record Verified(byte[] payload, String signer, Set<String> roles) {}

  private final Set<TrustAnchor> anchors;
  private final Set<X509Certificate> roots;
  private final String type;

  /**
   * @param operatorCas the CAs whose certificates may sign
   * @param type the {@code typ} the messages must have
   */
  public SignerTrust(Collection<X509Certificate> operatorCas, String type) {
    if (operatorCas.isEmpty()) {
      throw new IllegalArgumentException("signed messages need at least one CA to chain to");
    }
    this.type = type;
    Set<TrustAnchor> set = new HashSet<>();
    for (X509Certificate root : operatorCas) {
      set.add(new TrustAnchor(root, null));
    }
    this.anchors = Set.copyOf(set);
    this.roots = Set.copyOf(operatorCas);
  }

  /**
   * Checks the message at {@code now}.
   *
   * @throws Refusal {@code malformed}, {@code unsigned}, {@code unknown-ca}, {@code
   *     certificate-invalid} or {@code bad-signature}
   */
  public Verified verify(byte[] message, Instant now) throws Refusal {
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(new String(message, StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new Refusal("malformed", "the message is not a JSON object: " + e.getMessage());
    }
    if (!json.containsKey("signature") && !json.containsKey("signatures")) {
      throw new Refusal("unsigned", "the message is not a signed JWS");
    }
    JWSObjectJSON jws;
    try {
      jws = JWSObjectJSON.parse(json);
    } catch (ParseException e) {
      throw new Refusal("malformed", "the message is not a JWS: " + e.getMessage());
    }
    if (jws.getSignatures().size() != 1) {
      throw new Refusal(
          "malformed", "a " + type + " carries one signature, not " + jws.getSignatures().size());
    }
    JWSObjectJSON.Signature signature = jws.getSignatures().get(0);
    JWSHeader header = signature.getHeader();
    if (!ALGORITHMS.contains(header.getAlgorithm())) {
      throw new Refusal(
          JWSAlgorithm.NONE.equals(header.getAlgorithm()) ? "unsigned" : "malformed",
          "algorithm " + header.getAlgorithm() + " is not accepted for " + type);
    }
    if (!new JOSEObjectType(type).equals(header.getType())) {
      throw new Refusal("malformed", "typ is " + header.getType() + ", not " + type);
    }
    List<Base64> x5c = header.getX509CertChain();
    if (x5c == null || x5c.isEmpty()) {
      throw new Refusal("unknown-ca", "the header carries no certificate chain (x5c)");
    }
    List<X509Certificate> chain = certificates(x5c);
    X509Certificate leaf = chain.get(0);
    validate(chain, now);
    requireSigner(leaf);
    try {
      if (!signature.verify(
          new DefaultJWSVerifierFactory().createJWSVerifier(header, leaf.getPublicKey()))) {
        throw new Refusal(
            "bad-signature",
            "the signature does not verify with the key of " + leaf.getSubjectX500Principal());
      }
    } catch (JOSEException e) {
      throw new Refusal("bad-signature", "the signature cannot be checked: " + e.getMessage());
    }
    X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
    return new Verified(jws.getPayload().toBytes(), commonName(subject), roles(subject));
  }

  private static List<X509Certificate> certificates(List<Base64> x5c) throws Refusal {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Base64 link : x5c) {
        chain.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(link.decode())));
      }
    } catch (CertificateException e) {
      throw new Refusal(
          "malformed",
          "x5c[" + chain.size() + "] is not a DER X.509 certificate: " + e.getMessage());
    }
    return chain;
  }

  private void validate(List<X509Certificate> chain, Instant now) throws Refusal {
    List<X509Certificate> path = new ArrayList<>(chain);
    while (path.size() > 1 && roots.contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    try {
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (CertPathValidatorException e) {
      boolean top = e.getIndex() == path.size() - 1;
      if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR
          || (top && e.getReason() == BasicReason.INVALID_SIGNATURE)) {
        throw new Refusal(
            "unknown-ca",
            "the signer's chain does not lead to an operator CA: its top certificate is issued by "
                + path.get(path.size() - 1).getIssuerX500Principal());
      }
      throw new Refusal(
          "certificate-invalid",
          "the signer's chain is not valid now"
              + (e.getIndex() >= 0 ? " at " + path.get(e.getIndex()).getSubjectX500Principal() : "")
              + ": "
              + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new Refusal("certificate-invalid", "cannot validate the chain: " + e.getMessage());
    }
  }

  private static void requireSigner(X509Certificate leaf) throws Refusal {
    if (leaf.getBasicConstraints() != -1) {
      throw new Refusal(
          "certificate-invalid",
          leaf.getSubjectX500Principal() + " is a CA certificate; commands are signed by people");
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage != null && !usage[DIGITAL_SIGNATURE]) {
      throw new Refusal(
          "certificate-invalid",
          leaf.getSubjectX500Principal() + " lacks keyUsage digitalSignature");
    }
  }

  private static Set<String> roles(X500Name subject) {
    Set<String> roles = new HashSet<>();
    for (RDN rdn : subject.getRDNs(ROLE)) {
      for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
        if (value.getType().equals(ROLE) && value.getValue() instanceof ASN1String text) {
          roles.add(text.getString());
        }
      }
    }
    return roles;
  }

  private static String commonName(X500Name subject) {
    RDN[] names = subject.getRDNs(BCStyle.CN);
    if (names.length > 0 && names[0].getFirst().getValue() instanceof ASN1String text) {
      return text.getString();
    }
    return subject.toString();
  }
}
