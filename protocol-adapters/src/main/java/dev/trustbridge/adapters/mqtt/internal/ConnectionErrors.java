package dev.trustbridge.adapters.mqtt.internal;

import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.adapters.mqtt.internal.PinnedTrustManager.BrokerKeyNotPinnedException;
import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/** Turns the exception of a failed connection into a sentence an operator can act on. */
final class ConnectionErrors {

  private ConnectionErrors() {}

  static String describe(Throwable error, UplinkSettings settings) {
    if (error == null) {
      return "no error recorded";
    }
    String trustSource =
        settings
            .caCertificateFile()
            .map(file -> "the CA in " + file)
            .orElse("a CA of the JVM's default trust store");
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof CertPathValidatorException invalid
          && (invalid.getReason() == BasicReason.EXPIRED
              || invalid.getReason() == BasicReason.NOT_YET_VALID)) {
        return outsideValidity(invalid);
      }
      if (cause instanceof BrokerKeyNotPinnedException notPinned) {
        return "the broker's public key matches none of the configured pins "
            + settings.pinnedPublicKeys()
            + ": the key of "
            + notPinned.subject()
            + " has the SHA-256 SPKI pin "
            + notPinned.pin()
            + "; add that to pinnedPublicKeys if the broker's key was changed on purpose";
      }
      if (cause instanceof CertPathBuilderException
          || cause instanceof CertPathValidatorException) {
        return "the broker's certificate is not trusted: it does not chain to "
            + trustSource
            + " ("
            + cause.getMessage()
            + ")";
      }
      if (cause instanceof CertificateException && isHostMismatch(cause.getMessage())) {
        return "the broker's certificate does not name host "
            + settings.host()
            + " ("
            + cause.getMessage()
            + ")";
      }
      if (cause instanceof Mqtt5ConnAckException connAck) {
        return "the broker refused the connection: " + connAck.getMqttMessage().getReasonCode();
      }
      if (cause instanceof Mqtt5DisconnectException disconnect) {
        return "the broker closed the connection: "
            + disconnect.getMqttMessage().getReasonCode()
            + disconnect
                .getMqttMessage()
                .getReasonString()
                .map(reason -> " (" + reason + ")")
                .orElse("");
      }
      if (cause instanceof Mqtt3ConnAckException connAck) {
        return "the broker refused the connection: " + connAck.getMqttMessage().getReturnCode();
      }
      if (cause instanceof ConnectException) {
        return "cannot reach "
            + settings.host()
            + ":"
            + settings.port()
            + " ("
            + cause.getMessage()
            + ")";
      }
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof SSLException && String.valueOf(root.getMessage()).contains("fatal alert")) {
      String check =
          settings.clientKeyManagers().isPresent()
              ? "check that the broker trusts the certificate of client key "
                  + settings.clientKeyDescription()
              : "this uplink presents no client certificate; set a client key if the broker"
                  + " requires one";
      return "the broker ended the TLS handshake ("
          + root.getMessage()
          + "): "
          + check
          + ", and that it accepts "
          + settings.tlsProtocols();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  private static String outsideValidity(CertPathValidatorException invalid) {
    List<? extends Certificate> path =
        invalid.getCertPath() == null ? List.of() : invalid.getCertPath().getCertificates();
    int index = invalid.getIndex();
    if (index < 0 || index >= path.size() || !(path.get(index) instanceof X509Certificate)) {
      return "the broker's certificate chain is outside its validity period (" + invalid + ")";
    }
    X509Certificate certificate = (X509Certificate) path.get(index);
    String which =
        (index == 0 ? "the broker's certificate " : "the CA certificate ")
            + certificate.getSubjectX500Principal().getName()
            + (index == 0 ? "" : " in the broker's chain");
    if (invalid.getReason() == BasicReason.EXPIRED) {
      return which
          + " expired on "
          + certificate.getNotAfter().toInstant()
          + ": renew it, or check this gateway's clock";
    }
    return which
        + " is not valid before "
        + certificate.getNotBefore().toInstant()
        + ": check this gateway's clock";
  }

  private static boolean isHostMismatch(String message) {
    return message != null
        && (message.startsWith("No subject alternative") || message.startsWith("No name matching"));
  }
}
