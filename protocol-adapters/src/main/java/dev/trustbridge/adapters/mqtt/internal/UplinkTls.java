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
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of an uplink: trust in the broker from a PEM CA file, the client key from a PKCS#12
 * file, the allowed protocol versions, and host name verification (the client's default).
 */
final class UplinkTls {

  private UplinkTls() {}

  /**
   * Loads the key material the settings name.
   *
   * @throws MqttUplinkException naming the uplink and file if a file is missing or unusable
   */
  static MqttClientSslConfig sslConfig(UplinkSettings settings) {
    MqttClientSslConfigBuilder builder =
        MqttClientSslConfig.builder().protocols(settings.tlsProtocols());
    if (settings.caCertificateFile().isPresent()) {
      builder =
          builder.trustManagerFactory(trust(settings.id(), settings.caCertificateFile().get()));
    }
    if (settings.clientKeyStoreFile().isPresent()) {
      char[] password = settings.clientKeyStorePassword();
      try {
        builder =
            builder.keyManagerFactory(
                keys(settings.id(), settings.clientKeyStoreFile().get(), password));
      } finally {
        Arrays.fill(password, '\0');
      }
    }
    return builder.build();
  }

  private static TrustManagerFactory trust(String uplinkId, Path file) {
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
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (IOException | GeneralSecurityException e) {
      throw new MqttUplinkException(
          uplinkId, "uplink '" + uplinkId + "': cannot trust the CA certificates of " + file, e);
    }
  }

  private static KeyManagerFactory keys(String uplinkId, Path file, char[] password) {
    KeyStore store;
    try (InputStream in = Files.newInputStream(file)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
    } catch (IOException | GeneralSecurityException e) {
      // the JDK reports a wrong password as an IOException whose cause is unrecoverable key data
      throw new MqttUplinkException(
          uplinkId,
          "uplink '"
              + uplinkId
              + "': cannot read client keystore "
              + file
              + " (missing, not PKCS#12, or wrong password): "
              + e,
          e);
    }
    try {
      boolean hasKey = false;
      for (String alias : Collections.list(store.aliases())) {
        hasKey |= store.isKeyEntry(alias);
      }
      if (!hasKey) {
        throw new MqttUplinkException(
            uplinkId,
            "uplink '" + uplinkId + "': client keystore " + file + " holds no private key");
      }
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return factory;
    } catch (GeneralSecurityException e) {
      throw new MqttUplinkException(
          uplinkId, "uplink '" + uplinkId + "': cannot use the key in client keystore " + file, e);
    }
  }
}
