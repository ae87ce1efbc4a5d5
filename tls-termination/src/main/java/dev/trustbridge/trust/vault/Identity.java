package dev.trustbridge.trust.vault;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The gateway's identity: an EC P-256 key that lives in a {@link Vault}, and its certificate chain.
 * Everything that needs the private key goes through this handle; no method returns the key's
 * bytes.
 *
 * <p>Until a CA-issued chain is installed, the key carries a self-signed placeholder certificate
 * (PKCS#11 keystores show only keys that have a certificate), and {@link #isEnrolled()} is false.
 */
public interface Identity {

  /** The key's alias in the vault. */
  String alias();

  /**
   * Where the key lives: an RFC 7512 {@code pkcs11:} URI, or the keystore file for software keys.
   */
  String keyUri();

  /** The public key. */
  PublicKey publicKey();

  /** SHA-256 of the public key's SubjectPublicKeyInfo, lowercase hex: the key's fingerprint. */
  String publicKeyFingerprint();

  /** The installed chain, leaf first; the self-signed placeholder until enrolment. */
  List<X509Certificate> certificateChain();

  /** Whether a chain issued by a CA (not the placeholder) is installed. */
  boolean isEnrolled();

  /** Whether the private key can be read out of the vault: false for every token backend. */
  boolean isExportable();

  /** A signer that computes SHA256withECDSA inside the vault. */
  ContentSigner contentSigner() throws VaultException;

  /**
   * A PKCS#10 request signed inside the vault, carrying this public key.
   *
   * @param subject an RFC 4514 name such as {@code CN=gw-01,OU=plant-a}
   */
  PKCS10CertificationRequest createCsr(String subject) throws VaultException;

  /**
   * Installs the chain issued for this key, leaf first, replacing the current one. The leaf must
   * carry this key's public key and each certificate must be signed by the next.
   */
  void installCertificateChain(List<X509Certificate> chain) throws VaultException;

  /**
   * Key managers for TLS clients that always present this identity (never another key of the same
   * token), for use as the mutual-TLS client key of uplinks.
   */
  KeyManagerFactory keyManagerFactory();
}
