package dev.trustbridge.adapters.mqtt.internal;

import java.net.Socket;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Set;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a broker as its PKIX trust manager does (chain, validity, and the host name the engine
 * asks for), then accepts it only if the SHA-256 of the leaf's SubjectPublicKeyInfo is pinned. The
 * pin narrows what the CA vouches for; it never stands in for the CA.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager delegate;
  private final Set<String> pins;

  PinnedTrustManager(X509ExtendedTrustManager delegate, Set<String> pins) {
    this.delegate = delegate;
    this.pins = Set.copyOf(pins);
  }

  /** A factory that hands out this one trust manager, the form the MQTT client takes. */
  TrustManagerFactory asFactory() {
    return new SingleTrustManagerFactory(this);
  }

  /** The pin of a certificate's key: SHA-256 of its SubjectPublicKeyInfo, lowercase hex. */
  static String pinOf(X509Certificate certificate) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    checkPinned(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    checkPinned(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    checkPinned(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw clientsNotVerified();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw clientsNotVerified();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw clientsNotVerified();
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  private void checkPinned(X509Certificate[] chain) throws CertificateException {
    String pin = pinOf(chain[0]);
    if (!pins.contains(pin)) {
      throw new BrokerKeyNotPinnedException(chain[0], pin);
    }
  }

  private static CertificateException clientsNotVerified() {
    return new CertificateException("an uplink's trust manager verifies brokers, not clients");
  }

  /** The broker's chain verified, but its key is none of the pinned ones. */
  static final class BrokerKeyNotPinnedException extends CertificateException {

    private static final long serialVersionUID = 1L;

    private final String subject;
    private final String pin;

    BrokerKeyNotPinnedException(X509Certificate leaf, String pin) {
      super(
          "the public key of "
              + leaf.getSubjectX500Principal().getName()
              + " (SHA-256 SPKI "
              + pin
              + ") is not pinned");
      this.subject = leaf.getSubjectX500Principal().getName();
      this.pin = pin;
    }

    /** The subject of the broker's certificate. */
    String subject() {
      return subject;
    }

    /** The pin of the broker's actual key, for the operator to compare or adopt. */
    String pin() {
      return pin;
    }
  }

  private static final class SingleTrustManagerFactory extends TrustManagerFactory {

    SingleTrustManagerFactory(TrustManager manager) {
      super(
          new TrustManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore keyStore) {
              // holds its one trust manager from the start
            }

            @Override
            protected void engineInit(ManagerFactoryParameters parameters) {
              // holds its one trust manager from the start
            }

            @Override
            protected TrustManager[] engineGetTrustManagers() {
              return new TrustManager[] {manager};
            }
          },
          null,
          "TrustBridgePinned");
    }
  }
}
