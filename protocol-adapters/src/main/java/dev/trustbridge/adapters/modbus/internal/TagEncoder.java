package dev.trustbridge.adapters.modbus.internal;

import dev.trustbridge.adapters.DeviceWriteException;
import dev.trustbridge.adapters.modbus.ByteOrder;
import dev.trustbridge.adapters.modbus.ModbusTag;
import dev.trustbridge.adapters.modbus.WordOrder;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/** Turns a tag value into the registers to write: {@link TagDecoder} in reverse. */
public final class TagEncoder {

  private TagEncoder() {}

  /**
   * The registers that decode to {@code value}: {@code (value - offset) / scale} in decimal, in the
   * tag's type, word order and byte order.
   *
   * @return unsigned 16-bit register values, {@code [0]} at the tag's address
   * @throws DeviceWriteException {@code INVALID_VALUE} if the raw value is not whole for an integer
   *     type or does not fit the type
   */
  public static int[] encodeRegisters(ModbusTag tag, Number value) throws DeviceWriteException {
    BigDecimal raw = unscaled(tag, value);
    int bits;
    switch (tag.type()) {
      case INT16 -> {
        return new int[] {ordered((int) whole(tag, raw, -32768, 32767) & 0xFFFF, tag.byteOrder())};
      }
      case UINT16 -> {
        return new int[] {ordered((int) whole(tag, raw, 0, 65535), tag.byteOrder())};
      }
      case INT32 -> bits = (int) whole(tag, raw, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case UINT32 -> bits = (int) whole(tag, raw, 0, 0xFFFF_FFFFL);
      case FLOAT32 -> {
        float single = raw.floatValue();
        if (!Float.isFinite(single)) {
          throw invalid(tag, value + " does not fit a float32");
        }
        bits = Float.floatToIntBits(single);
      }
      default -> throw invalid(tag, "is not a register tag");
    }
    int high = ordered(bits >>> 16, tag.byteOrder());
    int low = ordered(bits & 0xFFFF, tag.byteOrder());
    return tag.wordOrder() == WordOrder.HIGH_FIRST ? new int[] {high, low} : new int[] {low, high};
  }

  private static BigDecimal unscaled(ModbusTag tag, Number value) throws DeviceWriteException {
    if (value instanceof Double d && !Double.isFinite(d)) {
      throw invalid(tag, value + " is not a finite number");
    }
    BigDecimal decimal =
        value instanceof Long || value instanceof Integer
            ? BigDecimal.valueOf(value.longValue())
            : BigDecimal.valueOf(value.doubleValue());
    if (tag.isUnscaled()) {
      return decimal;
    }
    return decimal
        .subtract(BigDecimal.valueOf(tag.offset()))
        .divide(BigDecimal.valueOf(tag.scale()), MathContext.DECIMAL64);
  }

  private static long whole(ModbusTag tag, BigDecimal raw, long min, long max)
      throws DeviceWriteException {
    BigInteger integral;
    try {
      integral = raw.stripTrailingZeros().toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw invalid(
          tag, "raw value " + raw.toPlainString() + " is not whole: " + tag.type().configName());
    }
    if (integral.compareTo(BigInteger.valueOf(min)) < 0
        || integral.compareTo(BigInteger.valueOf(max)) > 0) {
      throw invalid(
          tag,
          "raw value "
              + integral
              + " is outside "
              + min
              + ".."
              + max
              + " of "
              + tag.type().configName());
    }
    return integral.longValue();
  }

  private static int ordered(int register, ByteOrder order) {
    return order == ByteOrder.BIG_ENDIAN
        ? register & 0xFFFF
        : (register & 0xFF) << 8 | (register >>> 8) & 0xFF;
  }

  private static DeviceWriteException invalid(ModbusTag tag, String message) {
    return new DeviceWriteException(
        DeviceWriteException.Reason.INVALID_VALUE, "tag " + tag.name() + ": " + message);
  }
}
