package dev.trustbridge.sim.modbus;

import static dev.trustbridge.sim.modbus.Masters.holding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension's lifecycle: one simulator per class, injected, faults undone after each test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModbusSimulatorExtensionTest {

  @RegisterExtension
  static final ModbusSimulatorExtension extension =
      ModbusSimulatorExtension.fromYaml(
          """
          devices:
            - id: a
              points: [{table: holdingRegister, address: 0, type: uint16, value: {constant: 1}}]
            - id: b
              unitId: 2
              points: [{table: holdingRegister, address: 0, type: uint16, value: {constant: 2}}]
          """);

  private static int portOfA;

  @Test
  @Order(1)
  void parameter_ofTypeModbusSimulator_isTheRunningSimulator(ModbusSimulator simulator)
      throws Exception {
    assertThat(simulator).isSameAs(extension.simulator());
    assertThat(simulator.devices()).extracting(SimulatedDevice::id).containsExactly("a", "b");
    assertThat(simulator.device("a").port()).isNotEqualTo(simulator.device("b").port());
    ModbusTCPMaster master = Masters.connect(simulator.device("b"), 2000);
    try {
      assertThat(holding(master, 2, 0, 1)).containsExactly(2);
    } finally {
      master.disconnect();
    }
  }

  @Test
  @Order(2)
  void stopAndFault_leftInPlaceByATest_takeEffect() throws Exception {
    portOfA = extension.device("a").port();
    extension.device("a").stop();
    extension.device("b").answerWithException(4);

    assertThat(extension.device("a").isRunning()).isFalse();
    ModbusTCPMaster master = Masters.connect(extension.device("b"), 2000);
    try {
      assertThatThrownBy(() -> master.readMultipleRegisters(2, 0, 1))
          .isInstanceOfSatisfying(
              ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(4));
    } finally {
      master.disconnect();
    }
  }

  @Test
  @Order(3)
  void nextTest_findsDevicesRunningAgainWithoutFaults() throws Exception {
    SimulatedDevice a = extension.device("a");
    assertThat(a.isRunning()).isTrue();
    assertThat(a.port()).isEqualTo(portOfA);
    for (SimulatedDevice device : extension.simulator().devices()) {
      ModbusTCPMaster master = Masters.connect(device, 2000);
      try {
        assertThat(holding(master, device.unitId(), 0, 1)).containsExactly(device.unitId());
      } finally {
        master.disconnect();
      }
    }
  }

  @Test
  @Order(4)
  void device_unknownId_isRefusedNamingKnownIds() {
    assertThatThrownBy(() -> extension.device("c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scenario inline has no device 'c'; it has [a, b]");
  }
}
