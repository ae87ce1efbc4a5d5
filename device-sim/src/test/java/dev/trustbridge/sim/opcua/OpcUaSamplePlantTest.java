package dev.trustbridge.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OPC UA sample plant answers as its comments document, so a gateway configuration written
 * against them is right. Each expectation here follows the comment table, not the simulator's code.
 */
class OpcUaSamplePlantTest {

  @RegisterExtension
  static final OpcUaSimulatorExtension plant =
      OpcUaSimulatorExtension.fromClasspath(OpcUaScenario.SAMPLE_PLANT_RESOURCE);

  private static final List<String> PATHS =
      List.of(
          "Filler/Speed",
          "Filler/SpeedSetpoint",
          "Filler/FillVolume",
          "Filler/BottleCount",
          "Filler/Running",
          "Capper/Torque",
          "Capper/RejectsThisHour",
          "Capper/TemperatureC",
          "Line/State",
          "Line/Recipe",
          "Line/OrderNumber",
          "Line/ProducedTotal",
          "Line/Heartbeat",
          "Line/ControllerTime",
          "Line/LastMaintenance");

  @Test
  void documentedVariables_operatorReads_valuesAsDocumented(OpcUaSimulator simulator)
      throws Exception {
    assertThat(simulator.applicationUri()).isEqualTo("urn:trustbridge:sim:packaging-line");
    assertThat(OpcUaScenario.samplePlant().variablePaths()).containsExactlyElementsOf(PATHS);
    OpcUaClient client =
        Clients.connect(
            simulator.endpointUrl(),
            SecurityPolicy.None,
            MessageSecurityMode.None,
            Clients.identity("plant-reader"),
            new UsernameProvider("operator", "operator-pw"),
            Optional.empty());
    try {
      List<NodeId> nodes = new ArrayList<>();
      PATHS.forEach(path -> nodes.add(Clients.node(simulator, path)));
      List<Object> v =
          client.readValues(0, TimestampsToReturn.Both, nodes).stream()
              .map(DataValue::value)
              .map(variant -> variant.value())
              .toList();

      assertThat((double) v.get(0)).isBetween(112.0, 128.0);
      assertThat(v.get(1)).isEqualTo(120.0);
      assertThat((float) v.get(2)).isBetween(497f, 503f);
      assertThat(((UInteger) v.get(3)).longValue()).isBetween(100_000L, 100_000L + 2 * 600);
      assertThat(v.get(4)).isEqualTo(true);
      assertThat((float) v.get(5)).isBetween(1.95f, 2.25f);
      assertThat((int) v.get(6)).isBetween(0, 60);
      assertThat((short) v.get(7)).isBetween((short) 38, (short) 46);
      assertThat(v.get(8)).isIn("Running", "Cleaning");
      assertThat(v.get(9)).isEqualTo("COLA-0.5L");
      assertThat(v.get(10)).isEqualTo(4_500_012_345L);
      assertThat(((ULong) v.get(11)).longValue()).isBetween(987_654_321L, 987_654_321L + 1200);
      assertThat(v.get(12)).isInstanceOf(Boolean.class);
      assertThat(((DateTime) v.get(13)).getJavaInstant())
          .isBetween(Instant.now().minus(Duration.ofSeconds(5)), Instant.now());
      assertThat(v.get(14)).isEqualTo(new DateTime(Instant.parse("2026-01-15T06:00:00Z")));
    } finally {
      Clients.disconnectQuietly(client);
    }
  }
}
