package dev.trustbridge.runtime.observe.internal;

import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.VaultException;
import io.micrometer.core.instrument.Timer;
import java.io.OutputStream;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The identity, with the time of every signature its vault computes recorded: on a TPM that is tens
 * of milliseconds, and a growing latency is the first sign of a struggling token.
 */
public final class TimedIdentity implements Identity {

  private final Identity identity;
  private final Timer signatures;

  /**
   * @param signatures the timer of vault signatures
   */
  public TimedIdentity(Identity identity, Timer signatures) {
    this.identity = identity;
    this.signatures = signatures;
  }

  @Override
  public String alias() {
    return identity.alias();
  }

  @Override
  public String keyUri() {
    return identity.keyUri();
  }

  @Override
  public PublicKey publicKey() {
    return identity.publicKey();
  }

  @Override
  public String publicKeyFingerprint() {
    return identity.publicKeyFingerprint();
  }

  @Override
  public List<X509Certificate> certificateChain() {
    return identity.certificateChain();
  }

  @Override
  public boolean isEnrolled() {
    return identity.isEnrolled();
  }

  @Override
  public boolean isExportable() {
    return identity.isExportable();
  }

  @Override
  public ContentSigner contentSigner() throws VaultException {
    ContentSigner signer = identity.contentSigner();
    return new ContentSigner() {
      @Override
      public AlgorithmIdentifier getAlgorithmIdentifier() {
        return signer.getAlgorithmIdentifier();
      }

      @Override
      public OutputStream getOutputStream() {
        return signer.getOutputStream();
      }

      @Override
      public byte[] getSignature() {
        // the token signs here; the output stream only collects the data
        return signatures.record(signer::getSignature);
      }
    };
  }

  @Override
  public PKCS10CertificationRequest createCsr(String subject) throws VaultException {
    return identity.createCsr(subject);
  }

  @Override
  public void installCertificateChain(List<X509Certificate> chain) throws VaultException {
    identity.installCertificateChain(chain);
  }

  @Override
  public KeyManagerFactory keyManagerFactory() {
    return identity.keyManagerFactory();
  }
}
