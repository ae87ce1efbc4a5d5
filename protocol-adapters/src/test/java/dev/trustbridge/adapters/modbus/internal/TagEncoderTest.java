package dev.trustbridge.adapters.modbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trustbridge.adapters.DeviceWriteException;
import dev.trustbridge.adapters.modbus.ByteOrder;
import dev.trustbridge.adapters.modbus.ModbusDataType;
import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.modbus.ModbusTag;
import dev.trustbridge.adapters.modbus.WordOrder;
import org.junit.jupiter.api.Test;

class TagEncoderTest {

  private static ModbusTag tag(
      ModbusDataType type, ByteOrder bytes, WordOrder words, double scale, double offset) {
    return new ModbusTag(
        "t", ModbusTable.HOLDING_REGISTER, 0, type, bytes, words, scale, offset, "");
  }

  @Test
  void float32_eachWordAndByteOrder_encodesWhatTheDecoderReads() throws Exception {
    for (ByteOrder bytes : ByteOrder.values()) {
      for (WordOrder words : WordOrder.values()) {
        ModbusTag tag = tag(ModbusDataType.FLOAT32, bytes, words, 1, 0);

        int[] registers = TagEncoder.encodeRegisters(tag, 21.5);

        assertThat(TagDecoder.decodeRegisters(tag, registers, 0)).isEqualTo(21.5);
      }
    }
    assertThat(
            TagEncoder.encodeRegisters(
                tag(ModbusDataType.FLOAT32, ByteOrder.BIG_ENDIAN, WordOrder.LOW_FIRST, 1, 0), 21.5))
        .containsExactly(0x0000, 0x41AC);
  }

  @Test
  void scaledInt16_reversesScaleAndOffsetInDecimal() throws Exception {
    ModbusTag tag = tag(ModbusDataType.INT16, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 0.1, -40);

    int[] registers = TagEncoder.encodeRegisters(tag, -18.5);

    assertThat(registers).containsExactly(215);
    assertThat(TagDecoder.decodeRegisters(tag, registers, 0)).isEqualTo(-18.5);
    assertThat(TagEncoder.encodeRegisters(tag, -50.0)).containsExactly(0xFF9C);
  }

  @Test
  void uint32_littleEndianLowFirst_roundTrips() throws Exception {
    ModbusTag tag = tag(ModbusDataType.UINT32, ByteOrder.LITTLE_ENDIAN, WordOrder.LOW_FIRST, 1, 0);

    int[] registers = TagEncoder.encodeRegisters(tag, 4_000_000_000L);

    assertThat(TagDecoder.decodeRegisters(tag, registers, 0)).isEqualTo(4_000_000_000L);
  }

  @Test
  void valueBetweenRawSteps_isRefused() {
    ModbusTag tag = tag(ModbusDataType.INT16, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 0.1, 0);

    DeviceWriteException e =
        catchThrowableOfType(
            DeviceWriteException.class, () -> TagEncoder.encodeRegisters(tag, 21.55));

    assertThat(e.reason()).isEqualTo(DeviceWriteException.Reason.INVALID_VALUE);
    assertThat(e.getMessage()).isEqualTo("tag t: raw value 215.5 is not whole: int16");
  }

  @Test
  void valueBeyondType_isRefused() {
    ModbusTag tag = tag(ModbusDataType.UINT16, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 1, 0);

    DeviceWriteException e =
        catchThrowableOfType(
            DeviceWriteException.class, () -> TagEncoder.encodeRegisters(tag, -1L));

    assertThat(e.getMessage()).isEqualTo("tag t: raw value -1 is outside 0..65535 of uint16");
  }
}
