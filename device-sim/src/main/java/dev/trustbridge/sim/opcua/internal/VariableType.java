package dev.trustbridge.sim.opcua.internal;

import dev.trustbridge.sim.scenario.internal.NumericType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UNumber;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * The OPC UA built-in type of a variable: its data type node, which numbers a scenario may give it,
 * and how values convert between Java, the generators' doubles and Milo's representation.
 *
 * <p>Milo represents Int16 as {@link Short}, Int32 as {@link Integer}, Int64 as {@link Long},
 * UInt16/32/64 as {@link UShort}/{@link UInteger}/{@link ULong}, DateTime as {@link DateTime}. The
 * Java API widens unsigned types to the smallest signed type that holds every value and gives
 * DateTime as {@link Instant}.
 */
public enum VariableType {
  BOOLEAN("Boolean", NodeIds.Boolean, null, null),
  INT16("Int16", NodeIds.Int16, Short.MIN_VALUE, Short.MAX_VALUE),
  INT32("Int32", NodeIds.Int32, Integer.MIN_VALUE, Integer.MAX_VALUE),
  INT64("Int64", NodeIds.Int64, Long.MIN_VALUE, Long.MAX_VALUE),
  UINT16("UInt16", NodeIds.UInt16, 0, 0xFFFF),
  UINT32("UInt32", NodeIds.UInt32, 0, 0xFFFF_FFFFL),
  UINT64(
      "UInt64",
      NodeIds.UInt64,
      BigInteger.ZERO,
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)),
  FLOAT("Float", NodeIds.Float, null, null),
  DOUBLE("Double", NodeIds.Double, null, null),
  STRING("String", NodeIds.String, null, null),
  DATE_TIME("DateTime", NodeIds.DateTime, null, null);

  // Generators compute in doubles, which hold whole numbers exactly up to 2^53.
  private static final double EXACT_DOUBLE_LIMIT = 0x1p53;

  private final String scenarioName;
  private final NodeId dataType;
  private final BigInteger min;
  private final BigInteger max;

  VariableType(String scenarioName, NodeId dataType, long min, long max) {
    this(scenarioName, dataType, BigInteger.valueOf(min), BigInteger.valueOf(max));
  }

  VariableType(String scenarioName, NodeId dataType, BigInteger min, BigInteger max) {
    this.scenarioName = scenarioName;
    this.dataType = dataType;
    this.min = min;
    this.max = max;
  }

  /** The type's name in scenarios, its OPC UA name. */
  public String scenarioName() {
    return scenarioName;
  }

  /** The DataType attribute of variables of this type. */
  public NodeId dataType() {
    return dataType;
  }

  /** The numbers a scenario may give a variable of this type, if it is numeric. */
  public Optional<NumericType> numeric() {
    return switch (this) {
      case BOOLEAN, STRING, DATE_TIME -> Optional.empty();
      case FLOAT -> Optional.of(new Range(this, false, -Float.MAX_VALUE, Float.MAX_VALUE));
      case DOUBLE -> Optional.of(new Range(this, false, -Double.MAX_VALUE, Double.MAX_VALUE));
      default ->
          Optional.of(
              new Range(
                  this,
                  true,
                  Math.max(min.doubleValue(), -EXACT_DOUBLE_LIMIT),
                  Math.min(max.doubleValue(), EXACT_DOUBLE_LIMIT)));
    };
  }

  /**
   * A generated number in Milo's representation. Whole types round, and wrap like a device's
   * counter; only counters reach beyond the range, every other value was checked when configured.
   */
  public Object fromDouble(double value) {
    long whole = Math.round(value);
    return switch (this) {
      case INT16 -> (short) whole;
      case INT32 -> (int) whole;
      case INT64 -> whole;
      case UINT16 -> UShort.valueOf((int) (whole & 0xFFFF));
      case UINT32 -> UInteger.valueOf(whole & 0xFFFF_FFFFL);
      case UINT64 -> ULong.valueOf(whole);
      case FLOAT -> (float) value;
      case DOUBLE -> value;
      default -> throw new IllegalStateException(scenarioName + " is not numeric");
    };
  }

  /**
   * A Java value in Milo's representation: a {@link Boolean}; for whole-number types any {@link
   * Number} the type holds exactly, for Float and Double any finite number (rounded to the type's
   * precision); a {@link String}; an {@link Instant} or {@link DateTime}.
   *
   * @throws IllegalArgumentException if the type cannot hold the value
   */
  public Object fromJava(Object value) {
    return switch (this) {
      case BOOLEAN -> requireType(value, Boolean.class);
      case STRING -> requireType(value, String.class);
      case DATE_TIME -> {
        if (value instanceof Instant instant) {
          yield new DateTime(instant);
        }
        yield requireType(value, DateTime.class);
      }
      case FLOAT -> {
        float number = requireType(value, Number.class).floatValue();
        if (!Float.isFinite(number)) {
          throw new IllegalArgumentException("Float holds finite numbers, got " + value);
        }
        yield number;
      }
      case DOUBLE -> {
        double number = requireType(value, Number.class).doubleValue();
        if (!Double.isFinite(number)) {
          throw new IllegalArgumentException("Double holds finite numbers, got " + value);
        }
        yield number;
      }
      default -> {
        BigInteger whole;
        try {
          whole = decimal(value).toBigIntegerExact();
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException(scenarioName + " holds whole numbers, got " + value);
        }
        if (whole.compareTo(min) < 0 || whole.compareTo(max) > 0) {
          throw new IllegalArgumentException(
              scenarioName + " holds " + min + ".." + max + ", got " + value);
        }
        yield switch (this) {
          case INT16 -> whole.shortValueExact();
          case INT32 -> whole.intValueExact();
          case INT64 -> whole.longValueExact();
          case UINT16 -> UShort.valueOf(whole.intValueExact());
          case UINT32 -> UInteger.valueOf(whole.longValueExact());
          default -> ULong.valueOf(whole);
        };
      }
    };
  }

  /**
   * A value in Milo's representation as the Java API gives it: {@link Boolean}, {@link Short}
   * (Int16), {@link Integer} (Int32, UInt16), {@link Long} (Int64, UInt32), {@link BigInteger}
   * (UInt64), {@link Float}, {@link Double}, {@link String} or {@link Instant} (DateTime).
   */
  public static Object toJava(Object value) {
    if (value instanceof UShort number) {
      return number.intValue();
    }
    if (value instanceof UInteger number) {
      return number.longValue();
    }
    if (value instanceof ULong number) {
      return number.toBigInteger();
    }
    if (value instanceof DateTime time) {
      return time.getJavaInstant();
    }
    return value;
  }

  private <T> T requireType(Object value, Class<T> type) {
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException(
          scenarioName
              + " takes a "
              + type.getSimpleName()
              + ", got "
              + (value == null ? "null" : value.getClass().getSimpleName() + " " + value));
    }
    return type.cast(value);
  }

  private BigDecimal decimal(Object value) {
    Number number = requireType(value, Number.class);
    if (number instanceof UNumber unsigned) {
      return new BigDecimal(unsigned.toBigInteger());
    }
    try {
      return new BigDecimal(number.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(scenarioName + " takes a finite number, got " + value);
    }
  }

  /** The numbers a scenario may give a numeric type. */
  private record Range(VariableType type, boolean whole, double min, double max)
      implements NumericType {

    @Override
    public String scenarioName() {
      return type.scenarioName;
    }

    @Override
    public boolean isWhole() {
      return whole;
    }

    @Override
    public boolean contains(double value) {
      return Double.isFinite(value) && value >= min && value <= max;
    }

    @Override
    public String range() {
      return whole
          ? String.format("%d..%d", (long) min, (long) max)
          : String.format("%s..%s", min, max);
    }
  }
}
