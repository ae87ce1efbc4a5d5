package dev.trustbridge.sim.modbus;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import java.util.Arrays;
import java.util.List;

/** j2mod masters connected to simulated devices, as a gateway's poller would use them. */
final class Masters {

  private Masters() {}

  /**
   * A master that keeps its connection and tries each request once, so that every failure reaches
   * the test instead of being retried away over a new connection.
   */
  static ModbusTCPMaster connect(SimulatedDevice device, int timeoutMillis) throws Exception {
    ModbusTCPMaster master =
        new ModbusTCPMaster(
            device.address().getAddress().getHostAddress(), device.port(), timeoutMillis, false);
    master.connect();
    // j2mod creates the transaction in connect(); retries set before would be lost.
    master.setRetries(1);
    return master;
  }

  static List<Integer> holding(ModbusTCPMaster master, int unitId, int address, int count)
      throws ModbusException {
    return values(master.readMultipleRegisters(unitId, address, count));
  }

  static List<Integer> input(ModbusTCPMaster master, int unitId, int address, int count)
      throws ModbusException {
    return values(master.readInputRegisters(unitId, address, count));
  }

  static int inputValue(ModbusTCPMaster master, SimulatedDevice device, int address)
      throws ModbusException {
    return master.readInputRegisters(device.unitId(), address, 1)[0].getValue();
  }

  private static List<Integer> values(InputRegister[] registers) {
    return Arrays.stream(registers).map(InputRegister::getValue).toList();
  }
}
