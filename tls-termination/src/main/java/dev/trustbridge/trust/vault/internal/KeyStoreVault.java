package dev.trustbridge.trust.vault.internal;

import dev.trustbridge.trust.atrest.KeySealer;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of a vault that a JCA {@link KeyStore} does: both backends keep each identity as a key
 * entry with its certificate chain, and differ in where keys are generated, which provider signs,
 * and whether the store must be written back.
 */
abstract class KeyStoreVault implements Vault {

  private static final Logger LOG = LoggerFactory.getLogger(KeyStoreVault.class);

  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  protected final KeyStore keyStore;

  KeyStoreVault(KeyStore keyStore) {
    this.keyStore = keyStore;
  }

  /** A new EC P-256 key pair, generated where this backend keeps keys. */
  abstract KeyPair newKeyPair() throws GeneralSecurityException;

  /** The provider that signs with this backend's private keys. */
  abstract Provider signingProvider();

  /** The password protecting key entries, or {@code null} where the login protects them. */
  abstract char[] entryPassword();

  /** Makes a change of the key store durable. */
  abstract void persist() throws VaultException;

  /** Where a key lives, as {@link Identity#keyUri()} reports it. */
  abstract String keyUri(String alias);

  /** A new AES-256 key, generated where this backend keeps keys. */
  abstract SecretKey newWrappingKey() throws GeneralSecurityException;

  /** The provider that encrypts with this backend's secret keys. */
  abstract Provider wrappingProvider();

  @Override
  public synchronized KeySealer keySealer(String alias) throws VaultException {
    KeyStore.ProtectionParameter protection =
        entryPassword() == null ? null : new KeyStore.PasswordProtection(entryPassword());
    try {
      if (keyStore.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
        SecretKey key =
            ((KeyStore.SecretKeyEntry) keyStore.getEntry(alias, protection)).getSecretKey();
        return new WrappingKeySealer(key, wrappingProvider(), keyUri(alias), isHardware());
      }
      if (keyStore.containsAlias(alias)) {
        throw new VaultException(
            Reason.KEY_EXISTS,
            "entry '" + alias + "' in " + description() + " is not a secret key");
      }
      keyStore.setEntry(alias, new KeyStore.SecretKeyEntry(newWrappingKey()), protection);
      persist();
      LOG.info("vault wrapping key generated alias={} vault=\"{}\"", alias, description());
      SecretKey key =
          ((KeyStore.SecretKeyEntry) keyStore.getEntry(alias, protection)).getSecretKey();
      return new WrappingKeySealer(key, wrappingProvider(), keyUri(alias), isHardware());
    } catch (GeneralSecurityException | ProviderException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED,
          "cannot generate or read the wrapping key '"
              + alias
              + "' in "
              + description()
              + ": "
              + rootMessage(e)
              + (isHardware()
                  ? " (a TPM token cannot generate secret keys: seal with the TPM)"
                  : ""),
          e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  @Override
  public synchronized Identity generateIdentity(String alias, String subject)
      throws VaultException {
    X500Name name = Certificates.name(subject);
    try {
      if (keyStore.containsAlias(alias)) {
        throw new VaultException(
            Reason.KEY_EXISTS, "an identity '" + alias + "' exists already in " + description());
      }
      KeyPair pair = newKeyPair();
      X509Certificate placeholder = Certificates.placeholder(pair, name, signer(pair.getPrivate()));
      keyStore.setKeyEntry(
          alias, pair.getPrivate(), entryPassword(), new Certificate[] {placeholder});
      persist();
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED,
          "cannot generate identity '" + alias + "' in " + description(),
          e);
    }
    return identity(alias);
  }

  @Override
  public synchronized Optional<Identity> findIdentity(String alias) throws VaultException {
    try {
      if (!keyStore.isKeyEntry(alias)) {
        return Optional.empty();
      }
      Key key = keyStore.getKey(alias, entryPassword());
      Certificate[] chain = keyStore.getCertificateChain(alias);
      if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0) {
        throw new VaultException(
            Reason.OPERATION_FAILED,
            "entry '" + alias + "' in " + description() + " is not a key with a certificate");
      }
      return Optional.of(
          new KeyStoreIdentity(this, alias, privateKey, verifiedChain(alias, chain)));
    } catch (GeneralSecurityException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED, "cannot read identity '" + alias + "' from " + description(), e);
    }
  }

  /**
   * The chain as far as each certificate is signed by the next. A PKCS#11 key store rebuilds chains
   * by issuer name, so a token that holds two CA certificates of the same name (an old and a
   * renewed CA) can hand back a wrong issuer; that part is dropped rather than presented to peers.
   */
  private List<X509Certificate> verifiedChain(String alias, Certificate[] stored) {
    List<X509Certificate> chain = Arrays.stream(stored).map(X509Certificate.class::cast).toList();
    for (int i = 0; i + 1 < chain.size(); i++) {
      try {
        chain.get(i).verify(chain.get(i + 1).getPublicKey());
      } catch (GeneralSecurityException e) {
        LOG.warn(
            "vault chain cut alias={} at={} reason=\"{} is not signed by the stored certificate named {}\"",
            alias,
            i + 1,
            chain.get(i).getSubjectX500Principal(),
            chain.get(i + 1).getSubjectX500Principal());
        return chain.subList(0, i + 1);
      }
    }
    return chain;
  }

  ContentSigner signer(PrivateKey key) throws OperatorCreationException {
    return new JcaContentSignerBuilder(SIGNATURE_ALGORITHM)
        .setProvider(signingProvider())
        .build(key);
  }

  synchronized void install(String alias, PrivateKey key, List<X509Certificate> chain)
      throws VaultException {
    try {
      keyStore.setKeyEntry(alias, key, entryPassword(), chain.toArray(Certificate[]::new));
      persist();
    } catch (GeneralSecurityException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED,
          "cannot install the chain of '" + alias + "' in " + description(),
          e);
    }
  }
}
