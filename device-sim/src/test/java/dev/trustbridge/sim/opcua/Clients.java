package dev.trustbridge.sim.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfigBuilder;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/** Milo clients for tests: application identities, connections with a chosen security. */
final class Clients {

  private static final ConcurrentMap<String, Identity> IDENTITIES = new ConcurrentHashMap<>();

  private Clients() {}

  /** An RSA 2048 key with a self-signed certificate, as an OPC UA client application has. */
  record Identity(String applicationUri, KeyPair keyPair, X509Certificate certificate) {}

  /** The identity named {@code name}, created once per test run: RSA key generation is slow. */
  static Identity identity(String name) {
    return IDENTITIES.computeIfAbsent(name, Clients::createIdentity);
  }

  private static Identity createIdentity(String name) {
    try {
      KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
      String uri = "urn:trustbridge:test:" + name;
      X509Certificate certificate =
          new SelfSignedCertificateBuilder(keys)
              .setCommonName(name)
              .setApplicationUri(uri)
              .addDnsName("localhost")
              .build();
      return new Identity(uri, keys, certificate);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create test identity " + name, e);
    }
  }

  /** An anonymous session without security. */
  static OpcUaClient anonymous(String url) throws UaException {
    return connect(
        url,
        SecurityPolicy.None,
        MessageSecurityMode.None,
        identity("plain-client"),
        new AnonymousProvider(),
        Optional.empty());
  }

  /**
   * A session on the endpoint with {@code policy} and {@code mode}, presenting {@code identity} as
   * the client application and {@code user} as the user; {@code pinned}, when present, is the only
   * server certificate the client accepts.
   */
  static OpcUaClient connect(
      String url,
      SecurityPolicy policy,
      MessageSecurityMode mode,
      Identity identity,
      IdentityProvider user,
      Optional<X509Certificate> pinned)
      throws UaException {
    OpcUaClient client =
        OpcUaClient.create(
            url,
            endpoints -> select(endpoints, policy, mode),
            transport -> {},
            config -> configure(config, identity, user, pinned));
    try {
      client.connect();
      return client;
    } catch (UaException e) {
      disconnectQuietly(client);
      throw e;
    }
  }

  private static Optional<EndpointDescription> select(
      List<EndpointDescription> endpoints, SecurityPolicy policy, MessageSecurityMode mode) {
    return endpoints.stream()
        .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()))
        .filter(e -> e.getSecurityMode() == mode)
        .findFirst();
  }

  private static void configure(
      OpcUaClientConfigBuilder config,
      Identity identity,
      IdentityProvider user,
      Optional<X509Certificate> pinned) {
    config
        .setApplicationUri(identity.applicationUri())
        .setKeyPair(identity.keyPair())
        .setCertificate(identity.certificate())
        .setCertificateChain(new X509Certificate[] {identity.certificate()})
        .setIdentityProvider(user)
        .setRequestTimeout(uint(5_000));
    pinned.ifPresent(
        certificate -> {
          MemoryTrustListManager trust = new MemoryTrustListManager();
          trust.addTrustedCertificate(certificate);
          config.setCertificateValidator(
              new DefaultClientCertificateValidator(trust, new MemoryCertificateQuarantine()));
        });
  }

  static NodeId node(OpcUaSimulator simulator, String path) {
    return NodeId.parse(simulator.nodeId(path));
  }

  static void disconnectQuietly(OpcUaClient client) {
    try {
      client.disconnect();
    } catch (UaException e) {
      // the server may be gone already; the client's resources are released either way
    }
  }
}
