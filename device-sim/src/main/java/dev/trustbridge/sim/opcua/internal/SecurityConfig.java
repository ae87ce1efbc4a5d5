package dev.trustbridge.sim.opcua.internal;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;

/**
 * What the server offers: security policies and modes, which client application certificates it
 * accepts, and the user tokens.
 *
 * @param policies the offered policies; {@code None} is offered with mode None
 * @param modes the modes offered with every policy other than {@code None}
 * @param acceptAllClients accept every client application certificate instead of checking the trust
 *     list
 * @param anonymous offer the anonymous user token
 * @param users the accepted username/password pairs; the username token is offered when there are
 *     any
 * @param userCertificates offer the X.509 user token, accepting certificates in the user trust list
 */
public record SecurityConfig(
    List<SecurityPolicy> policies,
    List<MessageSecurityMode> modes,
    boolean acceptAllClients,
    boolean anonymous,
    List<User> users,
    boolean userCertificates) {

  public SecurityConfig {
    policies = List.copyOf(policies);
    modes = List.copyOf(modes);
    users = List.copyOf(users);
  }

  /** Every offered policy and mode, in order, e.g. {@code None, Basic256Sha256/Sign, …}. */
  public List<String> endpointNames() {
    List<String> names = new ArrayList<>();
    for (SecurityPolicy policy : policies) {
      if (policy == SecurityPolicy.None) {
        names.add(policy.name());
      } else {
        modes.forEach(mode -> names.add(policy.name() + "/" + mode.name()));
      }
    }
    return names;
  }

  /** The offered user token types: {@code anonymous}, {@code username}, {@code certificate}. */
  public List<String> userTokenNames() {
    List<String> names = new ArrayList<>();
    if (anonymous) {
      names.add("anonymous");
    }
    if (!users.isEmpty()) {
      names.add("username");
    }
    if (userCertificates) {
      names.add("certificate");
    }
    return names;
  }

  /** A username and its password; {@link #toString()} leaves the password out. */
  public record User(String username, String password) {
    @Override
    public String toString() {
      return "User[" + username + "]";
    }
  }
}
