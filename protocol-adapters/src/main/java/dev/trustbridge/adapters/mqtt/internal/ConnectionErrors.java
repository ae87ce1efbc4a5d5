package dev.trustbridge.adapters.mqtt.internal;

import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
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
      return "the broker ended the TLS handshake ("
          + root.getMessage()
          + "): check the client certificate and the TLS protocols";
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  private static boolean isHostMismatch(String message) {
    return message != null
        && (message.startsWith("No subject alternative") || message.startsWith("No name matching"));
  }
}
