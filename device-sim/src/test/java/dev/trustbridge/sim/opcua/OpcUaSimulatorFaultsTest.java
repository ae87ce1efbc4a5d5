package dev.trustbridge.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Restart, outage and certificate change, as a connected client experiences them. */
class OpcUaSimulatorFaultsTest {

  @RegisterExtension
  static final OpcUaSimulatorExtension server =
      OpcUaSimulatorExtension.fromYaml(
          """
          name: faulty-line
          tick: 100ms
          nodes:
            - {variable: Setpoint, type: Int32, writable: true, value: {constant: 1450}}
          """);

  private static final Clients.Identity CLIENT = Clients.identity("fault-client");

  @BeforeAll
  static void trustClient() {
    server.simulator().trustClientCertificate(CLIENT.certificate());
  }

  @Test
  void restart_connectedClient_losesSessionAndNewConnectionWorksOnSameUrl(OpcUaSimulator simulator)
      throws Exception {
    String url = simulator.endpointUrl();
    simulator.setValue("Setpoint", 1500);
    OpcUaClient before = Clients.anonymous(url);
    try {
      NodeId sessionBefore = before.getSession().getSessionId();

      simulator.restart();

      assertThat(simulator.endpointUrl()).isEqualTo(url);
      OpcUaClient after = Clients.anonymous(url);
      try {
        assertThat(read(after, simulator)).isEqualTo(1500);
      } finally {
        Clients.disconnectQuietly(after);
      }
      // the old client notices the lost session and has to open a new one
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .until(() -> !before.getSession().getSessionId().equals(sessionBefore));
    } finally {
      Clients.disconnectQuietly(before);
    }
  }

  @Test
  void stopServer_newConnection_isRefusedUntilStartServer(OpcUaSimulator simulator)
      throws Exception {
    simulator.stopServer();

    assertThat(simulator.isRunning()).isFalse();
    assertThatThrownBy(() -> Clients.anonymous(simulator.endpointUrl()))
        .isInstanceOf(UaException.class);

    simulator.startServer();

    OpcUaClient client = Clients.anonymous(simulator.endpointUrl());
    try {
      assertThat(simulator.isRunning()).isTrue();
      assertThat(read(client, simulator)).isInstanceOf(Integer.class);
    } finally {
      Clients.disconnectQuietly(client);
    }
  }

  @Test
  void changeCertificate_clientPinningOldCertificate_isRefused(OpcUaSimulator simulator)
      throws Exception {
    X509Certificate old = simulator.certificate();
    String oldSha256 = simulator.certificateSha256();
    Clients.disconnectQuietly(secure(simulator, old));

    X509Certificate renewed = simulator.changeCertificate();

    assertThat(renewed).isNotEqualTo(old).isEqualTo(simulator.certificate());
    assertThat(simulator.certificateSha256()).isNotEqualTo(oldSha256).hasSize(64);
    assertThat(renewed.getPublicKey()).isNotEqualTo(old.getPublicKey());
    assertThatThrownBy(() -> secure(simulator, old)).isInstanceOf(UaException.class);
    OpcUaClient repinned = secure(simulator, renewed);
    try {
      assertThat(read(repinned, simulator)).isInstanceOf(Integer.class);
    } finally {
      Clients.disconnectQuietly(repinned);
    }
  }

  private static OpcUaClient secure(OpcUaSimulator simulator, X509Certificate pinned)
      throws UaException {
    return Clients.connect(
        simulator.endpointUrl(),
        SecurityPolicy.Basic256Sha256,
        MessageSecurityMode.SignAndEncrypt,
        CLIENT,
        new AnonymousProvider(),
        Optional.of(pinned));
  }

  private static Object read(OpcUaClient client, OpcUaSimulator simulator) throws UaException {
    return client
        .readValue(0, TimestampsToReturn.Both, Clients.node(simulator, "Setpoint"))
        .value()
        .value();
  }
}
