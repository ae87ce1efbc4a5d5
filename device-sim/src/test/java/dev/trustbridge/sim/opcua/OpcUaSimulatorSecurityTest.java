package dev.trustbridge.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Endpoints, the client trust list and the user tokens, seen from real clients. */
class OpcUaSimulatorSecurityTest {

  @RegisterExtension
  static final OpcUaSimulatorExtension server =
      OpcUaSimulatorExtension.fromYaml(
          """
          name: secure-line
          security:
            users:
              - {username: operator, password: "s3cret pass"}
            userCertificates: true
          nodes:
            - {variable: Level, type: Double, value: {constant: 42.0}}
          """);

  private static final Clients.Identity TRUSTED = Clients.identity("trusted-client");

  @BeforeAll
  static void trustClient() {
    server.simulator().trustClientCertificate(TRUSTED.certificate());
  }

  @Test
  void getEndpoints_defaultSecurity_offersEveryPolicyModeAndToken(OpcUaSimulator simulator)
      throws Exception {
    List<EndpointDescription> endpoints =
        DiscoveryClient.getEndpoints(simulator.endpointUrl()).get();

    assertThat(endpoints)
        .extracting(
            e ->
                SecurityPolicy.fromUri(e.getSecurityPolicyUri()).name() + "/" + e.getSecurityMode())
        .containsExactlyInAnyOrder(
            "None/None",
            "Basic256Sha256/Sign",
            "Basic256Sha256/SignAndEncrypt",
            "Aes128_Sha256_RsaOaep/Sign",
            "Aes128_Sha256_RsaOaep/SignAndEncrypt",
            "Aes256_Sha256_RsaPss/Sign",
            "Aes256_Sha256_RsaPss/SignAndEncrypt");
    assertThat(endpoints)
        .allSatisfy(
            e -> {
              assertThat(e.getEndpointUrl()).isEqualTo(simulator.endpointUrl());
              assertThat(Stream.of(e.getUserIdentityTokens()).map(UserTokenPolicy::getTokenType))
                  .containsExactly(
                      UserTokenType.Anonymous, UserTokenType.UserName, UserTokenType.Certificate);
            });
    assertThat(simulator.securityPolicies())
        .containsExactly(
            "None",
            "Basic256Sha256/Sign",
            "Basic256Sha256/SignAndEncrypt",
            "Aes128_Sha256_RsaOaep/Sign",
            "Aes128_Sha256_RsaOaep/SignAndEncrypt",
            "Aes256_Sha256_RsaPss/Sign",
            "Aes256_Sha256_RsaPss/SignAndEncrypt");
  }

  @ParameterizedTest
  @EnumSource(
      value = SecurityPolicy.class,
      names = {"Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"})
  void signAndEncrypt_trustedClient_connectsAndReads(
      SecurityPolicy policy, OpcUaSimulator simulator) throws Exception {
    OpcUaClient client =
        connect(
            simulator,
            policy,
            MessageSecurityMode.SignAndEncrypt,
            TRUSTED,
            new AnonymousProvider(),
            Optional.of(simulator.certificate()));
    try {
      assertThat(read(client, simulator)).isEqualTo(42.0);
    } finally {
      Clients.disconnectQuietly(client);
    }
  }

  @Test
  void sign_trustedClient_connectsAndReads(OpcUaSimulator simulator) throws Exception {
    OpcUaClient client =
        connect(
            simulator,
            SecurityPolicy.Basic256Sha256,
            MessageSecurityMode.Sign,
            TRUSTED,
            new AnonymousProvider(),
            Optional.of(simulator.certificate()));
    try {
      assertThat(read(client, simulator)).isEqualTo(42.0);
    } finally {
      Clients.disconnectQuietly(client);
    }
  }

  @Test
  void signAndEncrypt_untrustedClient_isRefusedAndQuarantined(OpcUaSimulator simulator) {
    Clients.Identity stranger = Clients.identity("stranger");

    assertThatThrownBy(
            () ->
                connect(
                    simulator,
                    SecurityPolicy.Basic256Sha256,
                    MessageSecurityMode.SignAndEncrypt,
                    stranger,
                    new AnonymousProvider(),
                    Optional.empty()))
        .isInstanceOfSatisfying(
            UaException.class,
            e ->
                assertThat(e.getStatusCode().value())
                    .isEqualTo(StatusCodes.Bad_SecurityChecksFailed));
    Path rejected = simulator.pkiDirectory().resolve("rejected").resolve("certs");
    assertThat(rejected)
        .isDirectoryContaining(path -> path.getFileName().toString().endsWith(".der"));
  }

  @Test
  void username_rightPassword_activatesSession(OpcUaSimulator simulator) throws Exception {
    OpcUaClient client =
        connect(
            simulator,
            SecurityPolicy.None,
            MessageSecurityMode.None,
            TRUSTED,
            new UsernameProvider("operator", "s3cret pass"),
            Optional.empty());
    try {
      assertThat(read(client, simulator)).isEqualTo(42.0);
    } finally {
      Clients.disconnectQuietly(client);
    }
  }

  @Test
  void username_wrongPassword_isDenied(OpcUaSimulator simulator) {
    assertThatThrownBy(
            () ->
                connect(
                    simulator,
                    SecurityPolicy.None,
                    MessageSecurityMode.None,
                    TRUSTED,
                    new UsernameProvider("operator", "guess"),
                    Optional.empty()))
        .isInstanceOfSatisfying(
            UaException.class,
            e -> assertThat(e.getStatusCode().value()).isEqualTo(StatusCodes.Bad_UserAccessDenied));
  }

  @Test
  void x509User_trustedCertificate_activatesSession(OpcUaSimulator simulator) throws Exception {
    Clients.Identity alice = Clients.identity("user-alice");
    simulator.trustUserCertificate(alice.certificate());

    OpcUaClient client =
        connect(
            simulator,
            SecurityPolicy.Basic256Sha256,
            MessageSecurityMode.SignAndEncrypt,
            TRUSTED,
            new X509IdentityProvider(alice.certificate(), alice.keyPair().getPrivate()),
            Optional.of(simulator.certificate()));
    try {
      assertThat(read(client, simulator)).isEqualTo(42.0);
    } finally {
      Clients.disconnectQuietly(client);
    }
  }

  @Test
  void x509User_untrustedCertificate_isRejected(OpcUaSimulator simulator) {
    Clients.Identity mallory = Clients.identity("user-mallory");

    assertThatThrownBy(
            () ->
                connect(
                    simulator,
                    SecurityPolicy.Basic256Sha256,
                    MessageSecurityMode.SignAndEncrypt,
                    TRUSTED,
                    new X509IdentityProvider(mallory.certificate(), mallory.keyPair().getPrivate()),
                    Optional.of(simulator.certificate())))
        .isInstanceOfSatisfying(
            UaException.class,
            e ->
                assertThat(e.getStatusCode().value())
                    .isEqualTo(StatusCodes.Bad_IdentityTokenRejected));
  }

  @Test
  void trustClientCertificate_trustedClient_storedInTrustedDirectory(OpcUaSimulator simulator)
      throws Exception {
    List<X509Certificate> stored = new ArrayList<>();
    try (Stream<Path> files =
        Files.list(simulator.pkiDirectory().resolve("trusted").resolve("certs"))) {
      for (Path file : files.toList()) {
        stored.add(CertificateUtil.decodeCertificate(Files.readAllBytes(file)));
      }
    }

    assertThat(stored).contains(TRUSTED.certificate());
  }

  private static OpcUaClient connect(
      OpcUaSimulator simulator,
      SecurityPolicy policy,
      MessageSecurityMode mode,
      Clients.Identity identity,
      IdentityProvider user,
      Optional<X509Certificate> pinned)
      throws UaException {
    return Clients.connect(simulator.endpointUrl(), policy, mode, identity, user, pinned);
  }

  private static Object read(OpcUaClient client, OpcUaSimulator simulator) throws UaException {
    return client
        .readValue(0, TimestampsToReturn.Both, Clients.node(simulator, "Level"))
        .value()
        .value();
  }
}
