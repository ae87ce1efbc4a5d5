package dev.trustbridge.trust.vault.internal;

import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** An identity kept as a key entry of a {@link KeyStoreVault}. */
final class KeyStoreIdentity implements Identity {

  private final KeyStoreVault vault;
  private final String alias;
  private final PrivateKey key;
  private final PublicKey publicKey;
  private volatile List<X509Certificate> chain;

  KeyStoreIdentity(KeyStoreVault vault, String alias, PrivateKey key, List<X509Certificate> chain) {
    this.vault = vault;
    this.alias = alias;
    this.key = key;
    this.publicKey = chain.get(0).getPublicKey();
    this.chain = List.copyOf(chain);
  }

  @Override
  public String alias() {
    return alias;
  }

  @Override
  public String keyUri() {
    return vault.keyUri(alias);
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public String publicKeyFingerprint() {
    return Certificates.fingerprint(publicKey);
  }

  @Override
  public List<X509Certificate> certificateChain() {
    return chain;
  }

  @Override
  public boolean isEnrolled() {
    return Certificates.isIssuedByCa(chain.get(0));
  }

  @Override
  public boolean isExportable() {
    // a token key has no encoding: its value cannot be read out
    return key.getEncoded() != null;
  }

  @Override
  public ContentSigner contentSigner() throws VaultException {
    try {
      return vault.signer(key);
    } catch (OperatorCreationException e) {
      throw new VaultException(Reason.OPERATION_FAILED, "cannot sign with '" + alias + "'", e);
    }
  }

  @Override
  public PKCS10CertificationRequest createCsr(String subject) throws VaultException {
    X500Name name;
    try {
      name = Certificates.name(subject);
    } catch (IllegalArgumentException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED, "'" + subject + "' is not an X.500 name", e);
    }
    return new JcaPKCS10CertificationRequestBuilder(name, publicKey).build(contentSigner());
  }

  @Override
  public void installCertificateChain(List<X509Certificate> newChain) throws VaultException {
    Optional<String> problem = Certificates.chainProblem(newChain, publicKey);
    if (problem.isPresent()) {
      throw new VaultException(
          Reason.CHAIN_REJECTED, "cannot install on '" + alias + "': " + problem.get());
    }
    vault.install(alias, key, newChain);
    chain = List.copyOf(newChain);
  }

  @Override
  public KeyManagerFactory keyManagerFactory() {
    return new PinnedKeyManagerFactory(new PinnedKeyManager(alias, key, () -> chain));
  }

  @Override
  public String toString() {
    return "Identity[" + keyUri() + ", fingerprint=" + publicKeyFingerprint() + "]";
  }

  /** A factory that hands out one ready key manager; it needs no initialisation. */
  private static final class PinnedKeyManagerFactory extends KeyManagerFactory {
    PinnedKeyManagerFactory(PinnedKeyManager manager) {
      super(
          new KeyManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore keyStore, char[] password) {}

            @Override
            protected void engineInit(ManagerFactoryParameters parameters) {}

            @Override
            protected KeyManager[] engineGetKeyManagers() {
              return new KeyManager[] {manager};
            }
          },
          new Provider("TrustBridgeVault", "1", "key managers of vault identities") {
            private static final long serialVersionUID = 1L;
          },
          "TrustBridgePinned");
    }
  }
}
