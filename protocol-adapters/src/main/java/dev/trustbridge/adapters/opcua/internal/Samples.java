package dev.trustbridge.adapters.opcua.internal;

import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.opcua.OpcUaTag;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * Turns OPC UA data values into samples: a Good status gives a GOOD sample, Uncertain an UNCERTAIN
 * one (when the value is usable), Bad or an unusable value a BAD one.
 */
final class Samples {

  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private Samples() {}

  static Sample of(OpcUaTag tag, DataValue value, Instant now) {
    StatusCode status = value.getStatusCode() == null ? StatusCode.GOOD : value.getStatusCode();
    Optional<Object> converted = convert(value.getValue().getValue());
    if (status.isBad() || converted.isEmpty()) {
      return Sample.bad(tag.name(), now, tag.unit());
    }
    Instant source = time(value.getSourceTime()).or(() -> time(value.getServerTime())).orElse(now);
    return status.isUncertain()
        ? Sample.uncertain(tag.name(), converted.get(), source, now, tag.unit())
        : Sample.good(tag.name(), converted.get(), source, now, tag.unit());
  }

  /** Boolean as is, every integer type as Long, Float and Double as finite Double. */
  static Optional<Object> convert(Object value) {
    if (value instanceof Boolean bool) {
      return Optional.of(bool);
    } else if (value instanceof Byte
        || value instanceof Short
        || value instanceof Integer
        || value instanceof Long) {
      return Optional.of(((Number) value).longValue());
    } else if (value instanceof UByte || value instanceof UShort || value instanceof UInteger) {
      return Optional.of(((Number) value).longValue());
    } else if (value instanceof ULong unsigned) {
      BigInteger big = unsigned.toBigInteger();
      return big.compareTo(LONG_MAX) <= 0 ? Optional.of(big.longValue()) : Optional.empty();
    } else if (value instanceof Float || value instanceof Double) {
      double number = ((Number) value).doubleValue();
      return Double.isFinite(number) ? Optional.of(number) : Optional.empty();
    }
    return Optional.empty();
  }

  private static Optional<Instant> time(DateTime time) {
    return time == null || time.isNull() || !time.isValid()
        ? Optional.empty()
        : Optional.of(time.getJavaInstant());
  }
}
