package dev.trustbridge.adapters.opcua;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * The user identity the gateway presents when it activates a session. Secrets arrive here already
 * resolved from references ({@code ${credential:…}}, {@code ${file:…}}); no {@code toString()}
 * shows them.
 */
public sealed interface OpcUaUser {

  /** No user: the server's anonymous token. */
  record Anonymous() implements OpcUaUser {}

  /**
   * A user name and password; the password is encrypted for the server's certificate before it is
   * sent, whatever the channel's security.
   */
  record UsernamePassword(String username, String password) implements OpcUaUser {
    public UsernamePassword {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (username.isBlank()) {
        throw new IllegalArgumentException("OPC UA user name must not be blank");
      }
    }

    @Override
    public String toString() {
      return "UsernamePassword[username=" + username + ", password=***]";
    }
  }

  /** An X.509 user certificate and its RSA key, which signs the server's nonce. */
  record Certificate(X509Certificate certificate, PrivateKey privateKey) implements OpcUaUser {
    public Certificate {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(privateKey, "privateKey");
    }

    @Override
    public String toString() {
      return "Certificate[subject=" + certificate.getSubjectX500Principal().getName() + "]";
    }
  }

  /** The anonymous user. */
  static OpcUaUser anonymous() {
    return new Anonymous();
  }
}
