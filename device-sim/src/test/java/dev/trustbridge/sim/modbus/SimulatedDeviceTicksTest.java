package dev.trustbridge.sim.modbus;

import static dev.trustbridge.sim.modbus.Masters.inputValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Generated values move with the tick, as a master polling the device sees them. */
class SimulatedDeviceTicksTest {

  @RegisterExtension
  static final ModbusSimulatorExtension simulator =
      ModbusSimulatorExtension.fromYaml(
          """
          tick: 20ms
          devices:
            - id: moving
              unitId: 1
              points:
                - {table: inputRegister, address: 0, type: uint16, value: {counter: {start: 10, increment: 3}}}
                - {table: inputRegister, address: 1, type: uint16, value: {ramp: {from: 0, to: 60000, period: 1h}}}
                - {table: inputRegister, address: 2, type: int16, value: {randomWalk: {start: 0, step: 10, min: -100, max: 100, seed: 1}}}
                - {table: inputRegister, address: 3, type: uint16, value: {counter: {start: 65534}}}
                - {table: holdingRegister, address: 0, type: uint16, value: {counter: {start: 0}}}
          """);

  private SimulatedDevice device;
  private ModbusTCPMaster master;

  @BeforeEach
  void connect() throws Exception {
    device = simulator.device("moving");
    master = Masters.connect(device, 2000);
  }

  @AfterEach
  void disconnect() {
    master.disconnect();
  }

  @Test
  void counter_overTicks_advancesByIncrement() throws Exception {
    int first = inputValue(master, device, 0);

    await().atMost(Duration.ofSeconds(5)).until(() -> inputValue(master, device, 0) >= first + 9);

    int later = inputValue(master, device, 0);
    assertThat((first - 10) % 3).isZero();
    assertThat((later - 10) % 3).isZero();
  }

  @Test
  void ramp_overTicks_rises() throws Exception {
    int first = inputValue(master, device, 1);

    await().atMost(Duration.ofSeconds(5)).until(() -> inputValue(master, device, 1) > first);
  }

  @Test
  void randomWalk_overTicks_movesWithinBounds() throws Exception {
    AtomicInteger changes = new AtomicInteger();
    short[] last = {0};
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(25))
        .until(
            () -> {
              short value = master.readInputRegisters(1, 2, 1)[0].toShort();
              assertThat(value).isBetween((short) -100, (short) 100);
              if (value != last[0]) {
                changes.incrementAndGet();
                last[0] = value;
              }
              return changes.get() >= 5;
            });
  }

  @Test
  void counter_pastUint16Maximum_wrapsToZero() throws Exception {
    await().atMost(Duration.ofSeconds(5)).until(() -> inputValue(master, device, 3) < 65534);
  }

  @Test
  void masterWrite_toGeneratedPoint_isOverwrittenByNextTick() throws Exception {
    Register[] written = {new SimpleRegister(50000)};
    master.writeMultipleRegisters(1, 0, written);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> device.value(Table.HOLDING_REGISTER, 0).intValue() != 50000);
  }
}
