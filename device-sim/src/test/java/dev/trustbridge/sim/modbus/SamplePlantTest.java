package dev.trustbridge.sim.modbus;

import static dev.trustbridge.sim.modbus.Masters.holding;
import static dev.trustbridge.sim.modbus.Masters.input;
import static org.assertj.core.api.Assertions.assertThat;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.util.BitVector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sample plant answers as its comments document, so a gateway configuration written against
 * them is right. Each decoding here follows the comment table, not the simulator's code.
 */
class SamplePlantTest {

  @RegisterExtension
  static final ModbusSimulatorExtension plant =
      ModbusSimulatorExtension.fromClasspath(Scenario.SAMPLE_PLANT_RESOURCE);

  @Test
  void boiler_documentedPoints_readAsDocumented(ModbusSimulator simulator) throws Exception {
    SimulatedDevice boiler = simulator.device("boiler-1");
    ModbusTCPMaster master = Masters.connect(boiler, 2000);
    try {
      assertThat(boiler.unitId()).isEqualTo(1);
      List<Integer> inputs = input(master, 1, 0, 4);
      float temperature = lowWordFirstFloat(inputs.get(0), inputs.get(1));
      assertThat(temperature).isBetween(69f, 75f);
      assertThat((double) (short) (int) inputs.get(2) / 10).isBetween(10.0, 15.0);
      assertThat((short) (int) inputs.get(3)).isBetween((short) 140, (short) 180);
      // setpoint 75.0 = 0x42960000, low word first
      assertThat(holding(master, 1, 0, 2)).containsExactly(0x0000, 0x4296);
      assertThat(master.readCoils(1, 0, 1).getBit(0)).isTrue();
      BitVector discrete = master.readInputDiscretes(1, 0, 2);
      assertThat(List.of(discrete.getBit(0), discrete.getBit(1))).containsExactly(true, false);
    } finally {
      master.disconnect();
    }
  }

  @Test
  void pump_documentedPoints_readAsDocumented(ModbusSimulator simulator) throws Exception {
    SimulatedDevice pump = simulator.device("pump-1");
    ModbusTCPMaster master = Masters.connect(pump, 2000);
    try {
      assertThat(pump.unitId()).isEqualTo(2);
      List<Integer> inputs = input(master, 2, 0, 5);
      assertThat(inputs.get(0)).isBetween(1420, 1480);
      assertThat((double) (short) (int) inputs.get(1) / 10).isBetween(11.8, 13.0);
      long runSeconds = ((long) inputs.get(2) << 16) | inputs.get(3);
      assertThat(runSeconds).isBetween(86_400L, 86_400L + 600);
      assertThat(inputs.get(4)).isEqualTo(37);
      assertThat(holding(master, 2, 0, 1)).containsExactly(1450);
      BitVector coils = master.readCoils(2, 0, 2);
      assertThat(List.of(coils.getBit(0), coils.getBit(1))).containsExactly(true, false);
      BitVector discrete = master.readInputDiscretes(2, 0, 2);
      assertThat(List.of(discrete.getBit(0), discrete.getBit(1))).containsExactly(true, false);
    } finally {
      master.disconnect();
    }
  }

  @Test
  void energyMeter_documentedPoints_readAsDocumented(ModbusSimulator simulator) throws Exception {
    SimulatedDevice meter = simulator.device("energy-meter-1");
    ModbusTCPMaster master = Masters.connect(meter, 2000);
    try {
      assertThat(meter.unitId()).isEqualTo(3);
      List<Integer> inputs = input(master, 3, 0, 7);
      float power = Float.intBitsToFloat(inputs.get(0) << 16 | inputs.get(1));
      assertThat(power).isBetween(35.5f, 48.5f);
      long energy = ((long) inputs.get(2) << 16) | inputs.get(3);
      assertThat(energy).isBetween(1_234_567L, 1_234_567L + 12 * 600);
      assertThat((energy - 1_234_567L) % 12).isZero();
      // byte and word little-endian: swap the bytes of each register, then take the low word first
      float voltage = lowWordFirstFloat(swapBytes(inputs.get(4)), swapBytes(inputs.get(5)));
      assertThat(voltage).isBetween(228.5f, 231.5f);
      assertThat((double) (short) (int) inputs.get(6) / 1000).isBetween(0.92, 0.99);
      assertThat(holding(master, 3, 0, 1)).containsExactly(200);
    } finally {
      master.disconnect();
    }
  }

  private static float lowWordFirstFloat(int first, int second) {
    return Float.intBitsToFloat(second << 16 | first);
  }

  private static int swapBytes(int register) {
    return (register & 0xFF) << 8 | register >>> 8;
  }
}
