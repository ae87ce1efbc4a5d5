package dev.trustbridge.adapters.modbus.internal;

import dev.trustbridge.adapters.modbus.ByteOrder;
import dev.trustbridge.adapters.modbus.ModbusTag;
import dev.trustbridge.adapters.modbus.WordOrder;
import java.math.BigDecimal;

/** Turns the raw registers or bits of a tag into its published value. */
public final class TagDecoder {

  private TagDecoder() {}

  /**
   * Decodes a register tag.
   *
   * @param registers unsigned 16-bit register values as received, {@code registers[0]} at {@code
   *     firstAddress}
   */
  public static Object decodeRegisters(ModbusTag tag, int[] registers, int firstAddress) {
    int index = tag.address() - firstAddress;
    int first = ordered(registers[index], tag.byteOrder());
    Number raw =
        switch (tag.type()) {
          case INT16 -> (long) (short) first;
          case UINT16 -> (long) first;
          case INT32, UINT32, FLOAT32 -> {
            int second = ordered(registers[index + 1], tag.byteOrder());
            int bits =
                tag.wordOrder() == WordOrder.HIGH_FIRST
                    ? first << 16 | second
                    : second << 16 | first;
            yield switch (tag.type()) {
              case INT32 -> (long) bits;
              case UINT32 -> bits & 0xFFFF_FFFFL;
              // the shortest decimal that names the float32 exactly, not its binary expansion
              default -> Double.parseDouble(Float.toString(Float.intBitsToFloat(bits)));
            };
          }
          case BOOL ->
              throw new IllegalArgumentException("tag " + tag.name() + " is not a register tag");
        };
    return scaled(tag, raw);
  }

  private static int ordered(int register, ByteOrder order) {
    return order == ByteOrder.BIG_ENDIAN
        ? register & 0xFFFF
        : (register & 0xFF) << 8 | (register >>> 8) & 0xFF;
  }

  /** Applies {@code raw * scale + offset} in decimal, so that 215 × 0.1 publishes 21.5. */
  static Object scaled(ModbusTag tag, Number raw) {
    if (tag.isUnscaled() || raw instanceof Double d && !Double.isFinite(d)) {
      return raw;
    }
    BigDecimal value =
        raw instanceof Long l ? BigDecimal.valueOf(l) : BigDecimal.valueOf(raw.doubleValue());
    return value
        .multiply(BigDecimal.valueOf(tag.scale()))
        .add(BigDecimal.valueOf(tag.offset()))
        .doubleValue();
  }
}
