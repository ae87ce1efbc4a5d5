package dev.trustbridge.adapters.opcua.internal;

import dev.trustbridge.adapters.opcua.OpcUaDevice;
import dev.trustbridge.adapters.opcua.OpcUaSecurityMode;
import dev.trustbridge.adapters.opcua.OpcUaSecurityPolicy;
import dev.trustbridge.adapters.opcua.OpcUaUser;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;

/**
 * Picks the endpoint to connect to: among the server's opc.tcp endpoints that match the configured
 * policy and mode and offer the configured user token, the strongest (SignAndEncrypt before Sign,
 * then the stronger policy); None only in development mode, the deprecated policies never.
 */
final class EndpointChoice {

  private static final String TCP_PROFILE =
      "http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary";

  private EndpointChoice() {}

  static EndpointDescription select(
      List<EndpointDescription> endpoints, OpcUaDevice device, boolean development)
      throws ConnectFailure {
    Optional<EndpointDescription> best =
        endpoints.stream()
            .filter(e -> TCP_PROFILE.equals(e.getTransportProfileUri()))
            .filter(e -> policy(e).isPresent() && mode(e).isPresent())
            .filter(e -> device.securityPolicy().map(p -> p == policy(e).get()).orElse(true))
            .filter(e -> device.securityMode().map(m -> m == mode(e).get()).orElse(true))
            .filter(e -> development || policy(e).get() != OpcUaSecurityPolicy.NONE)
            .filter(e -> offersToken(e, device.user()))
            .max(
                Comparator.comparing((EndpointDescription e) -> mode(e).get())
                    .thenComparing(e -> policy(e).get()));
    if (best.isEmpty()) {
      throw new ConnectFailure(
          "OPC UA server of device '"
              + device.id()
              + "' offers no endpoint with policy "
              + device.securityPolicy().map(OpcUaSecurityPolicy::configName).orElse("(strongest)")
              + ", mode "
              + device.securityMode().map(OpcUaSecurityMode::configName).orElse("(strongest)")
              + " and a "
              + tokenName(device.user())
              + " user token"
              + (development ? "" : " (policy None is refused outside development mode)")
              + "; it offers: "
              + endpoints.stream().map(EndpointChoice::describe).collect(Collectors.joining(", ")),
          false);
    }
    return best.get();
  }

  static String describe(EndpointDescription endpoint) {
    String policyUri = Objects.requireNonNullElse(endpoint.getSecurityPolicyUri(), "");
    return policyUri.substring(policyUri.indexOf('#') + 1)
        + "/"
        + mode(endpoint).map(OpcUaSecurityMode::configName).orElse("?");
  }

  static Optional<OpcUaSecurityPolicy> policy(EndpointDescription endpoint) {
    return OpcUaSecurityPolicy.fromUri(
        Objects.requireNonNullElse(endpoint.getSecurityPolicyUri(), ""));
  }

  static Optional<OpcUaSecurityMode> mode(EndpointDescription endpoint) {
    MessageSecurityMode mode = endpoint.getSecurityMode();
    if (mode == MessageSecurityMode.None) {
      return Optional.of(OpcUaSecurityMode.NONE);
    } else if (mode == MessageSecurityMode.Sign) {
      return Optional.of(OpcUaSecurityMode.SIGN);
    } else if (mode == MessageSecurityMode.SignAndEncrypt) {
      return Optional.of(OpcUaSecurityMode.SIGN_AND_ENCRYPT);
    }
    return Optional.empty();
  }

  private static boolean offersToken(EndpointDescription endpoint, OpcUaUser user) {
    UserTokenType wanted = tokenType(user);
    UserTokenPolicy[] policies =
        Objects.requireNonNullElse(endpoint.getUserIdentityTokens(), new UserTokenPolicy[0]);
    return Arrays.stream(policies).anyMatch(p -> p.getTokenType() == wanted);
  }

  private static UserTokenType tokenType(OpcUaUser user) {
    if (user instanceof OpcUaUser.UsernamePassword) {
      return UserTokenType.UserName;
    } else if (user instanceof OpcUaUser.Certificate) {
      return UserTokenType.Certificate;
    }
    return UserTokenType.Anonymous;
  }

  private static String tokenName(OpcUaUser user) {
    return switch (tokenType(user)) {
      case UserName -> "username";
      case Certificate -> "X.509";
      default -> "anonymous";
    };
  }
}
