package dev.trustbridge.trust.envelope.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import dev.trustbridge.trust.envelope.VerificationResult.Failure;
import dev.trustbridge.trust.envelope.internal.CertificateProfiles.Names;
import dev.trustbridge.trust.envelope.internal.CertificateProfiles.ProfileException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates envelope chains against the trust roots and remembers the outcome per chain. Without
 * revocation checking, PKIX depends on the time only through the validity periods; so a chain is
 * validated once at a time inside all of them, and each envelope then only checks that its time
 * lies inside them too.
 */
final class ChainValidator {

  private static final int CACHED_CHAINS = 1024;

  private final Set<TrustAnchor> anchors;
  private final Set<X509Certificate> roots;
  private final Map<String, Chain> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Chain> eldest) {
          return size() > CACHED_CHAINS;
        }
      };

  ChainValidator(Collection<X509Certificate> trustRoots) {
    if (trustRoots.isEmpty()) {
      throw new IllegalArgumentException("an envelope verifier needs at least one trust root");
    }
    Set<TrustAnchor> set = new HashSet<>();
    for (X509Certificate root : trustRoots) {
      set.add(new TrustAnchor(root, null));
    }
    this.anchors = Set.copyOf(set);
    this.roots = Set.copyOf(trustRoots);
  }

  /**
   * A chain checked once: either the reason it is unusable, or everything an envelope needs.
   *
   * @param problem why the chain fails, whatever the time; {@code null} if it does not
   * @param window the validity periods of the session certificate and the rest of the path
   */
  record Chain(
      List<X509Certificate> certificates,
      ECDSAVerifier verifier,
      Rejection problem,
      Names names,
      Instant sessionNotBefore,
      Instant sessionNotAfter,
      Instant pathNotBefore,
      Instant pathNotAfter,
      X509Certificate latestStart,
      X509Certificate earliestEnd) {

    /** Checks that the chain is valid at the envelope's time. */
    void requireValidAt(Instant time) throws Rejection {
      if (problem != null) {
        throw problem;
      }
      if (time.isBefore(sessionNotBefore) || time.isAfter(sessionNotAfter)) {
        throw new Rejection(
            Failure.EXPIRED_SESSION,
            "gateway time "
                + time
                + " is outside the validity of session certificate "
                + certificates.get(0).getSubjectX500Principal()
                + ", "
                + sessionNotBefore
                + " to "
                + sessionNotAfter);
      }
      if (time.isBefore(pathNotBefore)) {
        throw new Rejection(
            Failure.CHAIN_INVALID,
            latestStart.getSubjectX500Principal() + " is not yet valid at gateway time " + time);
      }
      if (time.isAfter(pathNotAfter)) {
        throw new Rejection(
            Failure.CHAIN_INVALID,
            earliestEnd.getSubjectX500Principal() + " has expired at gateway time " + time);
      }
    }
  }

  /** The chain of these {@code x5c} values, checked. */
  Chain check(List<Base64> x5c) throws Rejection {
    StringBuilder key = new StringBuilder();
    for (Base64 link : x5c) {
      key.append(link).append('.');
    }
    String id =
        Base64URL.encode(EnvelopeFormat.sha256(key.toString().getBytes(StandardCharsets.US_ASCII)))
            .toString();
    synchronized (cache) {
      Chain cached = cache.get(id);
      if (cached != null) {
        return cached;
      }
    }
    Chain chain = build(x5c);
    synchronized (cache) {
      cache.put(id, chain);
    }
    return chain;
  }

  private Chain build(List<Base64> x5c) throws Rejection {
    List<X509Certificate> certificates = new ArrayList<>(x5c.size());
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Base64 link : x5c) {
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(link.decode())));
      }
    } catch (CertificateException e) {
      throw new Rejection(
          Failure.MALFORMED,
          "x5c[" + certificates.size() + "] is not a DER X.509 certificate: " + e.getMessage());
    }
    X509Certificate session = certificates.get(0);
    ECDSAVerifier verifier;
    try {
      if (!(session.getPublicKey() instanceof ECPublicKey key)) {
        throw new JOSEException("not an EC key");
      }
      verifier = new ECDSAVerifier(key);
      verifier.getJCAContext().setProvider(EnvelopeFormat.BC);
    } catch (JOSEException e) {
      throw new Rejection(
          Failure.CHAIN_INVALID,
          "session certificate "
              + session.getSubjectX500Principal()
              + " carries no usable ES256 key: "
              + e.getMessage());
    }
    // the path to validate ends below the trust root, whether or not the sender included it
    List<X509Certificate> path = new ArrayList<>(certificates);
    while (path.size() > 1 && roots.contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    X509Certificate latestStart = path.get(0);
    X509Certificate earliestEnd = path.get(0);
    for (X509Certificate link : path.subList(1, path.size())) {
      if (link.getNotBefore().after(latestStart.getNotBefore())) {
        latestStart = link;
      }
      if (link.getNotAfter().before(earliestEnd.getNotAfter())) {
        earliestEnd = link;
      }
    }
    Rejection problem = null;
    Names names = null;
    try {
      validate(path, latestStart.getNotBefore());
      if (path.size() < 2) {
        throw new Rejection(
            Failure.CHAIN_INVALID,
            "session certificate "
                + session.getSubjectX500Principal()
                + " is issued by a trust root, not by a gateway identity");
      }
      CertificateProfiles.requireSession(session);
      try {
        names = CertificateProfiles.requireIdentity(path.get(1));
      } catch (ProfileException e) {
        throw new ProfileException(
            "the issuer of the session certificate is not a gateway identity: " + e.getMessage());
      }
    } catch (Rejection e) {
      problem = e;
    } catch (ProfileException e) {
      problem = new Rejection(Failure.CHAIN_INVALID, e.getMessage());
    }
    return new Chain(
        List.copyOf(certificates),
        verifier,
        problem,
        names,
        session.getNotBefore().toInstant(),
        session.getNotAfter().toInstant(),
        latestStart.getNotBefore().toInstant(),
        earliestEnd.getNotAfter().toInstant(),
        latestStart,
        earliestEnd);
  }

  private void validate(List<X509Certificate> path, Date at) throws Rejection {
    try {
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(at);
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (CertPathValidatorException e) {
      boolean top = e.getIndex() == path.size() - 1;
      if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR
          || (top && e.getReason() == BasicReason.INVALID_SIGNATURE)) {
        throw new Rejection(
            Failure.UNKNOWN_CHAIN,
            "the chain does not lead to a trust root: its top certificate is issued by "
                + path.get(path.size() - 1).getIssuerX500Principal()
                + ", which is not a trust root or not the one of that name ("
                + e.getMessage()
                + ")");
      }
      throw new Rejection(
          Failure.CHAIN_INVALID,
          "PKIX validation failed"
              + (e.getIndex() >= 0 ? " at " + path.get(e.getIndex()).getSubjectX500Principal() : "")
              + ": "
              + e.getMessage());
    } catch (InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("the trust roots are not usable as PKIX anchors", e);
    } catch (GeneralSecurityException e) {
      throw new Rejection(Failure.CHAIN_INVALID, "cannot validate the chain: " + e.getMessage());
    }
  }
}
