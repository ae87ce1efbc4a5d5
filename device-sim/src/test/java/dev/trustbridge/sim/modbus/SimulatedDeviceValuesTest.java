package dev.trustbridge.sim.modbus;

import static dev.trustbridge.sim.modbus.Masters.holding;
import static dev.trustbridge.sim.modbus.Masters.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.util.BitVector;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Exact values of every type and order as a j2mod master reads them, raw registers included. */
class SimulatedDeviceValuesTest {

  // Expected registers are worked out by hand in the comments, independent of the encoder.
  @RegisterExtension
  static final ModbusSimulatorExtension simulator =
      ModbusSimulatorExtension.fromYaml(
          """
          tick: 1h
          devices:
            - id: types
              port: 0
              unitId: 7
              points:
                # 21.5 = 0x41AC0000
                - {table: holdingRegister, address: 0, type: float32, value: {constant: 21.5}}
                - {table: holdingRegister, address: 2, type: float32, wordOrder: littleEndian, value: {constant: 21.5}}
                - {table: holdingRegister, address: 4, type: float32, byteOrder: littleEndian, value: {constant: 21.5}}
                - {table: holdingRegister, address: 6, type: float32, byteOrder: littleEndian, wordOrder: littleEndian, value: {constant: 21.5}}
                # -2 = 0xFFFE
                - {table: holdingRegister, address: 8, type: int16, value: {constant: -2}}
                - {table: holdingRegister, address: 9, type: int16, byteOrder: littleEndian, value: {constant: 0x0102}}
                - {table: holdingRegister, address: 10, type: uint16, value: {constant: 65535}}
                # -100000 = 0xFFFE7960
                - {table: inputRegister, address: 0, type: int32, value: {constant: -100000}}
                - {table: inputRegister, address: 2, type: int32, wordOrder: littleEndian, value: {constant: -100000}}
                # 4000000000 = 0xEE6B2800
                - {table: inputRegister, address: 4, type: uint32, value: {constant: 4000000000}}
                - {table: inputRegister, address: 6, type: uint32, byteOrder: littleEndian, wordOrder: littleEndian, value: {constant: 0x12345678}}
                - {table: coil, address: 0, type: bool, value: {constant: true}}
                - {table: coil, address: 1, type: bool, value: {constant: false}}
                - {table: coil, address: 2, type: bool, value: {constant: true}}
                - {table: discreteInput, address: 5, type: bool, value: {constant: true}}
                # changed by tests, one point per test
                - {table: holdingRegister, address: 20, type: float32, wordOrder: littleEndian, value: {constant: 0}}
                - {table: holdingRegister, address: 22, type: uint16, value: {constant: 0}}
                - {table: coil, address: 3, type: bool, value: {constant: false}}
          """);

  private SimulatedDevice device;
  private ModbusTCPMaster master;

  @BeforeEach
  void connect() throws Exception {
    device = simulator.device("types");
    master = Masters.connect(device, 2000);
  }

  @AfterEach
  void disconnect() {
    master.disconnect();
  }

  @Test
  void float32_eachByteAndWordOrder_givesExpectedRegisters() throws Exception {
    assertThat(holding(master, 7, 0, 8))
        .containsExactly(0x41AC, 0x0000, 0x0000, 0x41AC, 0xAC41, 0x0000, 0x0000, 0xAC41);
    for (int address : List.of(0, 2, 4, 6)) {
      assertThat(device.value(Table.HOLDING_REGISTER, address)).isEqualTo(21.5f);
    }
  }

  @Test
  void sixteenBitTypes_signAndByteOrder_giveExpectedRegisters() throws Exception {
    assertThat(holding(master, 7, 8, 3)).containsExactly(0xFFFE, 0x0201, 0xFFFF);
    assertThat(master.readMultipleRegisters(7, 8, 1)[0].toShort()).isEqualTo((short) -2);
    assertThat(device.value(Table.HOLDING_REGISTER, 8)).isEqualTo(-2);
    assertThat(device.value(Table.HOLDING_REGISTER, 9)).isEqualTo(0x0102);
    assertThat(device.value(Table.HOLDING_REGISTER, 10)).isEqualTo(65535);
  }

  @Test
  void thirtyTwoBitIntegers_eachOrder_giveExpectedRegisters() throws Exception {
    assertThat(input(master, 7, 0, 8))
        .containsExactly(0xFFFE, 0x7960, 0x7960, 0xFFFE, 0xEE6B, 0x2800, 0x7856, 0x3412);
    assertThat(device.value(Table.INPUT_REGISTER, 2)).isEqualTo(-100000);
    assertThat(device.value(Table.INPUT_REGISTER, 4)).isEqualTo(4_000_000_000L);
    assertThat(device.value(Table.INPUT_REGISTER, 6)).isEqualTo(0x12345678L);
  }

  @Test
  void bits_coilsAndDiscreteInputs_readAsConfigured() throws Exception {
    BitVector coils = master.readCoils(7, 0, 3);
    assertThat(List.of(coils.getBit(0), coils.getBit(1), coils.getBit(2)))
        .containsExactly(true, false, true);
    assertThat(master.readInputDiscretes(7, 5, 1).getBit(0)).isTrue();
  }

  @Test
  void read_addressWithoutPoint_answersIllegalDataAddress() {
    assertThatThrownBy(() -> master.readMultipleRegisters(7, 10, 2))
        .isInstanceOfSatisfying(
            ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(2));
    assertThatThrownBy(() -> master.readInputDiscretes(7, 0, 1))
        .isInstanceOfSatisfying(
            ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(2));
  }

  @Test
  void read_otherUnitId_answersGatewayTargetFailed() {
    assertThatThrownBy(() -> master.readMultipleRegisters(8, 0, 2))
        .isInstanceOfSatisfying(
            ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(11));
  }

  @Test
  void setValue_float32LowWordFirst_masterReadsExactRegisters() throws Exception {
    device.setValue(Table.HOLDING_REGISTER, 20, 22.25f); // 0x41B20000

    assertThat(holding(master, 7, 20, 2)).containsExactly(0x0000, 0x41B2);
  }

  @Test
  void setValue_outOfTypeRange_isRefused() {
    assertThatThrownBy(() -> device.setValue(Table.HOLDING_REGISTER, 8, 40000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("device types holdingRegister 8 (int16): int16 holds -32768..32767, got 40000");
    assertThatThrownBy(() -> device.setValue(Table.HOLDING_REGISTER, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no point starting at holdingRegister 1");
  }

  @Test
  void masterWrite_toConstantPoint_isKept() throws Exception {
    master.writeSingleRegister(7, 22, new SimpleRegister(1234));
    master.writeCoil(7, 3, true);

    assertThat(device.value(Table.HOLDING_REGISTER, 22)).isEqualTo(1234);
    assertThat(device.bit(Table.COIL, 3)).isTrue();
    assertThat(holding(master, 7, 22, 1)).containsExactly(1234);
  }
}
