package dev.trustbridge.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension's lifecycle: one simulator per class, injected, faults undone after each test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpcUaSimulatorExtensionTest {

  @RegisterExtension
  static final OpcUaSimulatorExtension extension =
      OpcUaSimulatorExtension.fromYaml(
          """
          name: extension
          security: {policies: [None]}
          nodes: [{variable: Answer, type: Int32, value: {constant: 42}}]
          """);

  private static String url;

  @Test
  @Order(1)
  void parameter_ofTypeOpcUaSimulator_isTheRunningSimulator(OpcUaSimulator simulator) {
    assertThat(simulator).isSameAs(extension.simulator());
    assertThat(simulator.isRunning()).isTrue();
    assertThat(simulator.endpointUrl()).matches("opc\\.tcp://127\\.0\\.0\\.1:\\d+");
    assertThat(simulator.pkiDirectory()).isDirectory();
  }

  @Test
  @Order(2)
  void stopAndStall_leftInPlaceByATest_takeEffect(OpcUaSimulator simulator) {
    url = simulator.endpointUrl();
    simulator.stopServer();
    simulator.stallPublishing(true);

    assertThat(simulator.isRunning()).isFalse();
    assertThat(simulator.isPublishingStalled()).isTrue();
  }

  @Test
  @Order(3)
  void nextTest_findsServerRunningOnSameUrlAndPublishing(OpcUaSimulator simulator)
      throws Exception {
    assertThat(simulator.isRunning()).isTrue();
    assertThat(simulator.isPublishingStalled()).isFalse();
    assertThat(simulator.endpointUrl()).isEqualTo(url);
    OpcUaClient client = Clients.anonymous(url);
    try {
      assertThat(
              client
                  .readValue(0, TimestampsToReturn.Both, Clients.node(simulator, "Answer"))
                  .value()
                  .value())
          .isEqualTo(42);
    } finally {
      Clients.disconnectQuietly(client);
    }
  }

  @Test
  @Order(4)
  void value_unknownPath_isRefusedNamingKnownPaths() {
    assertThatThrownBy(() -> extension.simulator().value("Question"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scenario inline has no variable 'Question'; it has [Answer]");
  }
}
