package dev.trustbridge.sim.opcua.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Security;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.X509IdentityValidator;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the Milo server for a scenario, from start to stop, on 127.0.0.1 and a given port. A
 * restart is a new instance on the same port; the values live in the {@link AddressSpaceModel}.
 */
public final class ServerInstance {

  private static final Logger log = LoggerFactory.getLogger(ServerInstance.class);

  /** The address the server listens on and names in its endpoint URL. */
  public static final String HOST = "127.0.0.1";

  private static final long TIMEOUT_SECONDS = 10;

  static {
    // Milo signs with "SHA256withRSA/PSS" for Aes256_Sha256_RsaPss, a name only Bouncy Castle knows
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  private final OpcUaServer server;
  private final SimulatorNamespace namespace;

  private ServerInstance(OpcUaServer server, SimulatorNamespace namespace) {
    this.server = server;
    this.namespace = namespace;
  }

  /** {@code opc.tcp://127.0.0.1:<port>}. */
  public static String endpointUrl(int port) {
    return "opc.tcp://" + HOST + ":" + port;
  }

  /**
   * Starts a server for the model on {@code port}.
   *
   * @throws UncheckedIOException if it cannot listen on the port
   */
  public static ServerInstance start(AddressSpaceModel model, ServerPki pki, int port) {
    SimulatorConfig config = model.config();
    OpcUaServerConfig serverConfig =
        OpcUaServerConfig.builder()
            .setApplicationUri(config.applicationUri())
            .setApplicationName(LocalizedText.english("TrustBridge simulator " + config.name()))
            .setProductUri("urn:trustbridge:sim")
            .setBuildInfo(
                new BuildInfo(
                    "urn:trustbridge:sim",
                    "TrustBridge",
                    "TrustBridge OPC UA simulator",
                    OpcUaServer.SDK_VERSION,
                    "",
                    DateTime.now()))
            .setEndpoints(endpoints(config.security(), pki, port))
            .setCertificateManager(pki.certificateManager())
            .setIdentityValidator(identityValidator(config.security(), pki))
            .build();
    OpcUaServer server =
        new OpcUaServer(
            serverConfig,
            profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
    SimulatorNamespace namespace = new SimulatorNamespace(server, model);
    namespace.startup();
    ServerInstance instance = new ServerInstance(server, namespace);
    try {
      server.startup().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      instance.stop();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new UncheckedIOException(
          new IOException("cannot listen on " + HOST + ":" + port + ": " + cause, cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      instance.stop();
      throw new IllegalStateException("interrupted while starting the OPC UA server", e);
    }
    return instance;
  }

  /** The index of the simulated nodes' namespace in this server's namespace table. */
  public int namespaceIndex() {
    return namespace.getNamespaceIndex().intValue();
  }

  /** Closes the listening socket and every connection; sessions and subscriptions end. */
  public void stop() {
    namespace.shutdown();
    try {
      server.shutdown().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("opcua server did not shut down cleanly error={}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Set<EndpointConfig> endpoints(SecurityConfig security, ServerPki pki, int port) {
    EndpointConfig.Builder base =
        EndpointConfig.newBuilder()
            .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
            .setBindAddress(HOST)
            .setHostname(HOST)
            .setBindPort(port)
            .setPath("")
            .setCertificate(pki::certificate)
            .addTokenPolicies(tokenPolicies(security).toArray(UserTokenPolicy[]::new));
    Set<EndpointConfig> endpoints = new LinkedHashSet<>();
    for (SecurityPolicy policy : security.policies()) {
      if (policy == SecurityPolicy.None) {
        endpoints.add(
            base.copy()
                .setSecurityPolicy(SecurityPolicy.None)
                .setSecurityMode(MessageSecurityMode.None)
                .build());
      } else {
        for (MessageSecurityMode mode : security.modes()) {
          endpoints.add(base.copy().setSecurityPolicy(policy).setSecurityMode(mode).build());
        }
      }
    }
    return endpoints;
  }

  private static List<UserTokenPolicy> tokenPolicies(SecurityConfig security) {
    List<UserTokenPolicy> policies = new ArrayList<>();
    if (security.anonymous()) {
      policies.add(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS);
    }
    if (!security.users().isEmpty()) {
      policies.add(OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME);
    }
    if (security.userCertificates()) {
      policies.add(OpcUaServerConfig.USER_TOKEN_POLICY_X509);
    }
    return policies;
  }

  private static IdentityValidator identityValidator(SecurityConfig security, ServerPki pki) {
    List<IdentityValidator> validators = new ArrayList<>();
    if (security.anonymous()) {
      validators.add(AnonymousIdentityValidator.INSTANCE);
    }
    if (!security.users().isEmpty()) {
      validators.add(
          new UsernameIdentityValidator(
              challenge -> {
                boolean known =
                    security.users().stream()
                        .anyMatch(
                            user ->
                                user.username().equals(challenge.getUsername())
                                    && MessageDigest.isEqual(
                                        user.password().getBytes(StandardCharsets.UTF_8),
                                        challenge.getPassword().getBytes(StandardCharsets.UTF_8)));
                if (!known) {
                  log.info("opcua user refused username={}", challenge.getUsername());
                }
                return known;
              }));
    }
    if (security.userCertificates()) {
      validators.add(new X509IdentityValidator(pki::isTrustedUser));
    }
    return new CompositeValidator(validators);
  }
}
