package dev.trustbridge.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKI directory across runs: certificate reuse and renewal, trust kept, accept-all. */
class OpcUaSimulatorPkiTest {

  private static final String LINE =
      """
      name: %s
      security: {policies: [Basic256Sha256], modes: [SignAndEncrypt]%s}
      nodes: [{variable: Answer, type: Int32, value: {constant: 42}}]
      """;

  @Test
  void start_samePkiDirectory_reusesCertificateAndTrust(@TempDir Path pki) throws Exception {
    OpcUaScenario scenario = scenario("line-a", "");
    Clients.Identity client = Clients.identity("pki-client");
    String first;
    try (OpcUaSimulator simulator = OpcUaSimulator.start(scenario, pki)) {
      first = simulator.certificateSha256();
      simulator.trustClientCertificate(client.certificate());
    }

    try (OpcUaSimulator simulator = OpcUaSimulator.start(scenario, pki)) {
      assertThat(simulator.certificateSha256()).isEqualTo(first);
      assertThat(CertificateUtil.getSanUri(simulator.certificate()))
          .contains("urn:trustbridge:sim:line-a");
      assertThat(
              Files.getPosixFilePermissions(
                  pki.resolve("own").resolve("private").resolve("application.pem")))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      Clients.disconnectQuietly(secure(simulator, client));
    }
  }

  @Test
  void changeCertificate_nextRun_startsWithTheNewCertificate(@TempDir Path pki) throws Exception {
    OpcUaScenario scenario = scenario("line-b", "");
    String renewed;
    try (OpcUaSimulator simulator = OpcUaSimulator.start(scenario, pki)) {
      String original = simulator.certificateSha256();
      simulator.changeCertificate();
      renewed = simulator.certificateSha256();
      assertThat(renewed).isNotEqualTo(original);
    }

    try (OpcUaSimulator simulator = OpcUaSimulator.start(scenario, pki)) {
      assertThat(simulator.certificateSha256()).isEqualTo(renewed);
    }
  }

  @Test
  void start_otherApplicationUriInSameDirectory_replacesCertificate(@TempDir Path pki) {
    String first;
    try (OpcUaSimulator simulator = OpcUaSimulator.start(scenario("line-c", ""), pki)) {
      first = simulator.certificateSha256();
    }

    try (OpcUaSimulator simulator = OpcUaSimulator.start(scenario("line-d", ""), pki)) {
      assertThat(simulator.certificateSha256()).isNotEqualTo(first);
      assertThat(CertificateUtil.getSanUri(simulator.certificate()))
          .contains("urn:trustbridge:sim:line-d");
    }
  }

  @Test
  void acceptAll_untrustedClient_connects() throws Exception {
    try (OpcUaSimulator simulator =
        OpcUaSimulator.start(scenario("line-e", ", clientCertificates: acceptAll"))) {
      Clients.disconnectQuietly(secure(simulator, Clients.identity("anyone")));
    }
  }

  @Test
  void start_withoutPkiDirectory_deletesTemporaryDirectoryOnClose() {
    Path pki;
    try (OpcUaSimulator simulator = OpcUaSimulator.start(scenario("line-f", ""))) {
      pki = simulator.pkiDirectory();
      assertThat(pki.resolve("own").resolve("certs").resolve("application.der")).isRegularFile();
    }

    assertThat(pki).doesNotExist();
  }

  private static OpcUaScenario scenario(String name, String security) {
    return OpcUaScenario.parse(LINE.formatted(name, security), name + ".yaml");
  }

  private static OpcUaClient secure(OpcUaSimulator simulator, Clients.Identity client)
      throws Exception {
    return Clients.connect(
        simulator.endpointUrl(),
        SecurityPolicy.Basic256Sha256,
        MessageSecurityMode.SignAndEncrypt,
        client,
        new AnonymousProvider(),
        Optional.of(simulator.certificate()));
  }
}
