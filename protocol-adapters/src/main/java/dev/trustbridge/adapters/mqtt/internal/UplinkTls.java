package dev.trustbridge.adapters.mqtt.internal;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import dev.trustbridge.adapters.mqtt.MqttUplinkException;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of an uplink: trust in the broker from a PEM CA file or the JVM's trust store,
 * narrowed by key pins if configured; the client key managers; the allowed protocol versions.
 *
 * <p>Host name verification stays the client's default: without a {@code hostnameVerifier} the
 * HiveMQ client sets the HTTPS endpoint identification algorithm on the engine, and the JSSE trust
 * manager then checks the broker's certificate against the server host. So no verifier is set here.
 */
final class UplinkTls {

  private UplinkTls() {}

  /**
   * Builds the TLS configuration of a {@code ssl://} uplink.
   *
   * @throws MqttUplinkException naming the uplink and the file or key if something is unusable
   */
  static MqttClientSslConfig sslConfig(UplinkSettings settings) {
    MqttClientSslConfigBuilder builder =
        MqttClientSslConfig.builder()
            .protocols(settings.tlsProtocols())
            .trustManagerFactory(trust(settings));
    Optional<KeyManagerFactory> keys = settings.clientKeyManagers();
    if (keys.isPresent()) {
      requireInitialized(settings, keys.get());
      builder = builder.keyManagerFactory(keys.get());
    }
    return builder.build();
  }

  private static TrustManagerFactory trust(UplinkSettings settings) {
    String uplinkId = settings.id();
    KeyStore anchors =
        settings.caCertificateFile().map(file -> caCertificates(uplinkId, file)).orElse(null);
    TrustManagerFactory pkix;
    try {
      // SunJSSE's PKIX trust manager, which checks the host name the engine asks for
      pkix = TrustManagerFactory.getInstance("PKIX");
      // null: the JVM's default trust store
      pkix.init(anchors);
    } catch (GeneralSecurityException e) {
      throw new MqttUplinkException(
          uplinkId, "uplink '" + uplinkId + "': cannot build the trust in the broker: " + e, e);
    }
    if (settings.pinnedPublicKeys().isEmpty()) {
      return pkix;
    }
    X509ExtendedTrustManager chainAndHost =
        Arrays.stream(pkix.getTrustManagers())
            .filter(X509ExtendedTrustManager.class::isInstance)
            .map(X509ExtendedTrustManager.class::cast)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("PKIX gave no X509ExtendedTrustManager"));
    return new PinnedTrustManager(chainAndHost, settings.pinnedPublicKeys()).asFactory();
  }

  private static KeyStore caCertificates(String uplinkId, Path file) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(file)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new MqttUplinkException(
          uplinkId,
          "uplink '" + uplinkId + "': cannot read CA certificate file " + file + ": " + e,
          e);
    }
    if (certificates.isEmpty()) {
      throw new MqttUplinkException(
          uplinkId,
          "uplink '" + uplinkId + "': CA certificate file " + file + " holds no certificate");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + index++, certificate);
      }
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new MqttUplinkException(
          uplinkId, "uplink '" + uplinkId + "': cannot trust the CA certificates of " + file, e);
    }
  }

  // the client asks for the key managers only while connecting, where this would surface late
  private static void requireInitialized(UplinkSettings settings, KeyManagerFactory keys) {
    try {
      keys.getKeyManagers();
    } catch (IllegalStateException e) {
      throw new MqttUplinkException(
          settings.id(),
          "uplink '"
              + settings.id()
              + "': the key managers of client key "
              + settings.clientKeyDescription()
              + " are not initialized",
          e);
    }
  }
}
