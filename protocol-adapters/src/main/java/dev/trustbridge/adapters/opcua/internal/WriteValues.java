package dev.trustbridge.adapters.opcua.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * Converts a value to write into the node's own data type, known from its current value: servers
 * refuse a write whose type differs (Bad_TypeMismatch), and commands carry JSON numbers.
 */
final class WriteValues {

  private WriteValues() {}

  static Variant coerce(String tag, Object value, Object current) {
    if (current instanceof Boolean) {
      if (value instanceof Boolean bool) {
        return Variant.ofBoolean(bool);
      }
      throw refused(tag, value, "Boolean");
    }
    if (current instanceof Float || current instanceof Double) {
      if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
        throw refused(tag, value, current.getClass().getSimpleName());
      }
      return current instanceof Float
          ? Variant.ofFloat(number.floatValue())
          : Variant.ofDouble(number.doubleValue());
    }
    if (current instanceof Number) {
      BigInteger whole = whole(tag, value, current);
      try {
        return integer(tag, whole, current);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "value "
                + whole
                + " for tag "
                + tag
                + " is outside the range of "
                + current.getClass().getSimpleName());
      }
    }
    throw refused(
        tag, value, current == null ? "an unknown type (no value)" : current.getClass().getName());
  }

  private static Variant integer(String tag, BigInteger whole, Object current) {
    if (current instanceof Byte) {
      return Variant.ofSByte(whole.byteValueExact());
    } else if (current instanceof Short) {
      return Variant.ofInt16(whole.shortValueExact());
    } else if (current instanceof Integer) {
      return Variant.ofInt32(whole.intValueExact());
    } else if (current instanceof Long) {
      return Variant.ofInt64(whole.longValueExact());
    } else if (current instanceof UByte) {
      return Variant.ofByte(UByte.valueOf(inRange(tag, whole, 8).intValue()));
    } else if (current instanceof UShort) {
      return Variant.ofUInt16(UShort.valueOf(inRange(tag, whole, 16).intValue()));
    } else if (current instanceof UInteger) {
      return Variant.ofUInt32(UInteger.valueOf(inRange(tag, whole, 32).longValue()));
    } else if (current instanceof ULong) {
      return Variant.ofUInt64(ULong.valueOf(inRange(tag, whole, 64)));
    }
    throw refused(tag, whole, current.getClass().getName());
  }

  private static BigInteger whole(String tag, Object value, Object current) {
    if (!(value instanceof Number number)) {
      throw refused(tag, value, current.getClass().getSimpleName());
    }
    try {
      return new BigDecimal(number.toString()).toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw refused(tag, value, "a whole number");
    }
  }

  private static BigInteger inRange(String tag, BigInteger whole, int bits) {
    if (whole.signum() < 0 || whole.bitLength() > bits) {
      throw new IllegalArgumentException(
          "value " + whole + " for tag " + tag + " is outside the unsigned " + bits + "-bit range");
    }
    return whole;
  }

  private static IllegalArgumentException refused(String tag, Object value, String type) {
    return new IllegalArgumentException(
        "value " + value + " cannot be written to tag " + tag + " of type " + type);
  }
}
