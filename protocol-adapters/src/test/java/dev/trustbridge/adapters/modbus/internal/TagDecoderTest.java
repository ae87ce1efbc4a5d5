package dev.trustbridge.adapters.modbus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.adapters.modbus.ByteOrder;
import dev.trustbridge.adapters.modbus.ModbusDataType;
import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.modbus.ModbusTag;
import dev.trustbridge.adapters.modbus.WordOrder;
import org.junit.jupiter.api.Test;

class TagDecoderTest {

  private static ModbusTag tag(
      ModbusDataType type, ByteOrder bytes, WordOrder words, double scale, double offset) {
    return new ModbusTag(
        "t", ModbusTable.HOLDING_REGISTER, 0, type, bytes, words, scale, offset, "");
  }

  private static Object decode(ModbusTag tag, int... registers) {
    return TagDecoder.decodeRegisters(tag, registers, 0);
  }

  @Test
  void float32_eachWordAndByteOrder_decodesSameValue() {
    // 21.5f = 0x41AC0000
    assertThat(
            decode(
                tag(ModbusDataType.FLOAT32, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 1, 0),
                0x41AC,
                0x0000))
        .isEqualTo(21.5);
    assertThat(
            decode(
                tag(ModbusDataType.FLOAT32, ByteOrder.BIG_ENDIAN, WordOrder.LOW_FIRST, 1, 0),
                0x0000,
                0x41AC))
        .isEqualTo(21.5);
    assertThat(
            decode(
                tag(ModbusDataType.FLOAT32, ByteOrder.LITTLE_ENDIAN, WordOrder.HIGH_FIRST, 1, 0),
                0xAC41,
                0x0000))
        .isEqualTo(21.5);
    assertThat(
            decode(
                tag(ModbusDataType.FLOAT32, ByteOrder.LITTLE_ENDIAN, WordOrder.LOW_FIRST, 1, 0),
                0x0000,
                0xAC41))
        .isEqualTo(21.5);
  }

  @Test
  void float32_publishesShortestDecimal() {
    int bits = Float.floatToIntBits(3.3f);
    assertThat(
            decode(
                tag(ModbusDataType.FLOAT32, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 1, 0),
                bits >>> 16,
                bits & 0xFFFF))
        .isEqualTo(3.3);
  }

  @Test
  void signedAndUnsignedIntegers_decodeByType() {
    ModbusTag int16 = tag(ModbusDataType.INT16, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 1, 0);
    ModbusTag uint16 = tag(ModbusDataType.UINT16, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 1, 0);
    ModbusTag int32 = tag(ModbusDataType.INT32, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 1, 0);
    ModbusTag uint32 = tag(ModbusDataType.UINT32, ByteOrder.BIG_ENDIAN, WordOrder.LOW_FIRST, 1, 0);

    assertThat(decode(int16, 0xFFFE)).isEqualTo(-2L);
    assertThat(decode(uint16, 0xFFFE)).isEqualTo(65534L);
    assertThat(decode(int32, 0xFFFF, 0xFFFD)).isEqualTo(-3L);
    assertThat(decode(uint32, 0x0001, 0x8000)).isEqualTo(0x8000_0001L);
  }

  @Test
  void scaleAndOffset_applyInDecimal() {
    ModbusTag tenths =
        tag(ModbusDataType.INT16, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 0.1, 0);
    ModbusTag shifted =
        tag(ModbusDataType.INT16, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 0.1, -40);

    assertThat(decode(tenths, 3)).isEqualTo(0.3);
    assertThat(decode(tenths, 0xFF9C)).isEqualTo(-10.0);
    assertThat(decode(shifted, 652)).isEqualTo(25.2);
  }

  @Test
  void float32NotANumber_staysNotANumberEvenWhenScaled() {
    int bits = Float.floatToIntBits(Float.NaN);
    ModbusTag scaled =
        tag(ModbusDataType.FLOAT32, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 0.1, 5);

    assertThat(decode(scaled, bits >>> 16, bits & 0xFFFF)).isEqualTo(Double.NaN);
  }
}
