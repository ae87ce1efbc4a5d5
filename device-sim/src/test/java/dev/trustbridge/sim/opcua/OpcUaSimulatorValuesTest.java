package dev.trustbridge.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Values as an OPC UA client sees them: reads, writes, browsing and subscriptions. */
class OpcUaSimulatorValuesTest {

  @RegisterExtension
  static final OpcUaSimulatorExtension server =
      OpcUaSimulatorExtension.fromYaml(
          """
          name: values
          tick: 50ms
          security: {policies: [None]}
          nodes:
            - folder: Constants
              description: one constant of every type
              nodes:
                - {variable: Boolean, type: Boolean, value: {constant: true}}
                - {variable: Int16, type: Int16, value: {constant: -12345}}
                - {variable: Int32, type: Int32, value: {constant: -2000000000}}
                - {variable: Int64, type: Int64, value: {constant: -9007199254740992}}
                - {variable: UInt16, type: UInt16, value: {constant: 65535}}
                - {variable: UInt32, type: UInt32, value: {constant: 4294967295}}
                - {variable: UInt64, type: UInt64, value: {constant: 9007199254740992}}
                - {variable: Float, type: Float, value: {constant: 21.5}}
                - {variable: Double, type: Double, value: {constant: 3.141592653589793}}
                - {variable: String, type: String, value: {constant: "Grüße, line 3"}}
                - {variable: DateTime, type: DateTime, value: {constant: 2026-01-15T06:00:00Z}}
            - folder: Writable
              nodes:
                - {variable: Setpoint, type: Double, writable: true, value: {constant: 75.0}}
                - {variable: Ramp, type: Int32, writable: true, value: {ramp: {from: 0, to: 100000, period: 1h}}}
            - folder: Dynamic
              nodes:
                - {variable: Counter, type: UInt32, value: {counter: {start: 0, increment: 1}}}
                - {variable: Stalled, type: Int64, value: {counter: {start: 100}}}
                - {variable: Pinned, type: Int16, value: {counter: {}}}
            - {variable: TopLevel, type: String, value: {cycle: {values: [a, b], period: 1h}}}
          """);

  private static OpcUaClient client;

  @BeforeAll
  static void connect() throws Exception {
    client = Clients.anonymous(server.simulator().endpointUrl());
  }

  @AfterAll
  static void disconnect() {
    Clients.disconnectQuietly(client);
  }

  @Test
  void read_constants_exactValueAndDataTypeOfEveryType(OpcUaSimulator simulator) throws Exception {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("Boolean", true);
    expected.put("Int16", (short) -12345);
    expected.put("Int32", -2_000_000_000);
    expected.put("Int64", -9_007_199_254_740_992L);
    expected.put("UInt16", ushort(65535));
    expected.put("UInt32", uint(4_294_967_295L));
    expected.put("UInt64", ulong(9_007_199_254_740_992L));
    expected.put("Float", 21.5f);
    expected.put("Double", 3.141592653589793);
    expected.put("String", "Grüße, line 3");
    expected.put("DateTime", new DateTime(Instant.parse("2026-01-15T06:00:00Z")));

    List<NodeId> nodes = new ArrayList<>();
    expected.keySet().forEach(name -> nodes.add(Clients.node(simulator, "Constants/" + name)));
    List<DataValue> values = client.readValues(0, TimestampsToReturn.Both, nodes);

    assertThat(values).allSatisfy(value -> assertThat(value.statusCode().isGood()).isTrue());
    assertThat(values)
        .extracting(value -> value.value().value())
        .containsExactlyElementsOf(expected.values());
  }

  @Test
  void value_constants_javaTypesWidenUnsigned(OpcUaSimulator simulator) {
    assertThat(simulator.value("Constants/Int16")).isEqualTo((short) -12345);
    assertThat(simulator.value("Constants/UInt16")).isEqualTo(65535);
    assertThat(simulator.value("Constants/UInt32")).isEqualTo(4_294_967_295L);
    assertThat(simulator.value("Constants/UInt64"))
        .isEqualTo(BigInteger.valueOf(9_007_199_254_740_992L));
    assertThat(simulator.value("Constants/DateTime"))
        .isEqualTo(Instant.parse("2026-01-15T06:00:00Z"));
  }

  @Test
  void write_writableConstant_keepsValue(OpcUaSimulator simulator) throws Exception {
    NodeId setpoint = Clients.node(simulator, "Writable/Setpoint");

    List<StatusCode> results =
        client.writeValues(List.of(setpoint), List.of(DataValue.valueOnly(new Variant(80.5))));

    assertThat(results).containsExactly(StatusCode.GOOD);
    Thread.sleep(150); // three ticks: a constant is not recomputed
    assertThat(client.readValue(0, TimestampsToReturn.Both, setpoint).value().value())
        .isEqualTo(80.5);
    assertThat(simulator.value("Writable/Setpoint")).isEqualTo(80.5);
  }

  @Test
  void write_writableGenerated_nextTickOverwrites(OpcUaSimulator simulator) throws Exception {
    NodeId ramp = Clients.node(simulator, "Writable/Ramp");

    List<StatusCode> results =
        client.writeValues(List.of(ramp), List.of(DataValue.valueOnly(new Variant(-1))));

    assertThat(results).containsExactly(StatusCode.GOOD);
    await().atMost(Duration.ofSeconds(2)).until(() -> (int) simulator.value("Writable/Ramp") >= 0);
  }

  @Test
  void write_readOnlyVariable_isRefused(OpcUaSimulator simulator) throws Exception {
    List<StatusCode> results =
        client.writeValues(
            List.of(Clients.node(simulator, "Constants/Double")),
            List.of(DataValue.valueOnly(new Variant(1.0))));

    // Milo checks the UserAccessLevel, which lacks CurrentWrite as the AccessLevel does, first
    assertThat(results).containsExactly(new StatusCode(StatusCodes.Bad_UserAccessDenied));
    assertThat(simulator.value("Constants/Double")).isEqualTo(3.141592653589793);
  }

  @Test
  void write_wrongType_isRefusedTypeMismatch(OpcUaSimulator simulator) throws Exception {
    List<StatusCode> results =
        client.writeValues(
            List.of(Clients.node(simulator, "Writable/Setpoint")),
            List.of(DataValue.valueOnly(new Variant("eighty"))));

    assertThat(results).containsExactly(new StatusCode(StatusCodes.Bad_TypeMismatch));
  }

  @Test
  void setValue_generatedVariable_pinsItForClients(OpcUaSimulator simulator) throws Exception {
    simulator.setValue("Dynamic/Pinned", 7);
    Thread.sleep(150);

    assertThat(
            client
                .readValue(0, TimestampsToReturn.Both, Clients.node(simulator, "Dynamic/Pinned"))
                .value()
                .value())
        .isEqualTo((short) 7);
    assertThat(simulator.value("Dynamic/Pinned")).isEqualTo((short) 7);
  }

  @Test
  void setValue_valueTheTypeCannotHold_isRefused(OpcUaSimulator simulator) {
    assertThatThrownBy(() -> simulator.setValue("Dynamic/Pinned", 70_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("variable Dynamic/Pinned: Int16 holds -32768..32767, got 70000");
    assertThatThrownBy(() -> simulator.setValue("Constants/String", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("variable Constants/String: String takes a String, got Integer 1");
    assertThatThrownBy(() -> simulator.setValue("No/Such", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "scenario inline has no variable 'No/Such'; it has [Constants/Boolean,");
  }

  @Test
  void browse_objectsFolder_findsScenarioNodesWithPathNodeIds(OpcUaSimulator simulator)
      throws Exception {
    assertThat(simulator.namespaceIndex()).isEqualTo(2);
    assertThat(client.readNamespaceTable().getIndex(simulator.namespaceUri())).isEqualTo(ushort(2));
    assertThat(simulator.nodeId("Constants/Int16")).isEqualTo("ns=2;s=Constants/Int16");

    List<ReferenceDescription> top = browse(NodeIds.ObjectsFolder);
    List<ReferenceDescription> constants = browse(Clients.node(simulator, "Constants"));

    assertThat(top)
        .filteredOn(r -> r.getNodeId().getNamespaceIndex().intValue() == simulator.namespaceIndex())
        .extracting(r -> r.getBrowseName().name(), ReferenceDescription::getNodeClass)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Constants", NodeClass.Object),
            org.assertj.core.groups.Tuple.tuple("Writable", NodeClass.Object),
            org.assertj.core.groups.Tuple.tuple("Dynamic", NodeClass.Object),
            org.assertj.core.groups.Tuple.tuple("TopLevel", NodeClass.Variable));
    assertThat(constants)
        .extracting(r -> r.getNodeId().getIdentifier())
        .contains("Constants/Int16");
  }

  @Test
  void subscription_generatedVariable_deliversEachChange(OpcUaSimulator simulator)
      throws Exception {
    List<Long> received = new CopyOnWriteArrayList<>();
    OpcUaSubscription subscription = subscribe(simulator, "Dynamic/Counter", received);
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> received.size() >= 5);

      assertThat(received).isSorted().doesNotHaveDuplicates();
    } finally {
      subscription.delete();
    }
  }

  @Test
  void stallPublishing_subscription_stopsThenResumes(OpcUaSimulator simulator) throws Exception {
    List<Long> received = new CopyOnWriteArrayList<>();
    OpcUaSubscription subscription = subscribe(simulator, "Dynamic/Stalled", received);
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> received.size() >= 2);

      simulator.stallPublishing(true);
      Thread.sleep(200); // lets notifications in flight arrive
      int beforeStall = received.size();
      long valueBefore = (long) simulator.value("Dynamic/Stalled");
      Thread.sleep(500); // ten ticks
      assertThat((long) simulator.value("Dynamic/Stalled")).isGreaterThan(valueBefore);
      assertThat(received).hasSize(beforeStall);
      assertThat(client.getSession().getSessionId()).isNotNull();

      simulator.stallPublishing(false);
      await().atMost(Duration.ofSeconds(5)).until(() -> received.size() > beforeStall);
      assertThat(received.get(received.size() - 1)).isGreaterThan(valueBefore);
    } finally {
      subscription.delete();
    }
  }

  private static OpcUaSubscription subscribe(
      OpcUaSimulator simulator, String path, List<Long> received) throws Exception {
    OpcUaSubscription subscription = new OpcUaSubscription(client, 50.0);
    subscription.create();
    OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(Clients.node(simulator, path));
    item.setSamplingInterval(50.0);
    item.setDataValueListener(
        (monitored, value) -> received.add(((Number) value.value().value()).longValue()));
    subscription.addMonitoredItem(item);
    subscription.synchronizeMonitoredItems();
    return subscription;
  }

  private static List<ReferenceDescription> browse(NodeId node) throws Exception {
    BrowseResult result =
        client.browse(
            new BrowseDescription(
                node,
                BrowseDirection.Forward,
                NodeIds.HierarchicalReferences,
                true,
                uint(0),
                uint(BrowseResultMask.All.getValue())));
    return List.of(result.getReferences());
  }
}
