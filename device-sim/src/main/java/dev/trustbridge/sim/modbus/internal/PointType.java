package dev.trustbridge.sim.modbus.internal;

import dev.trustbridge.sim.scenario.internal.NumericType;

/** The data type of a point, with how many table entries it spans and which values it holds. */
public enum PointType implements NumericType {
  BOOL("bool", 1, 0, 1),
  INT16("int16", 1, Short.MIN_VALUE, Short.MAX_VALUE),
  UINT16("uint16", 1, 0, 0xFFFF),
  INT32("int32", 2, Integer.MIN_VALUE, Integer.MAX_VALUE),
  UINT32("uint32", 2, 0, 0xFFFF_FFFFL),
  FLOAT32("float32", 2, -Float.MAX_VALUE, Float.MAX_VALUE);

  private final String scenarioName;
  private final int width;
  private final double min;
  private final double max;

  PointType(String scenarioName, int width, double min, double max) {
    this.scenarioName = scenarioName;
    this.width = width;
    this.min = min;
    this.max = max;
  }

  @Override
  public String scenarioName() {
    return scenarioName;
  }

  /** Table entries the point occupies: one bit, one register or two registers. */
  public int width() {
    return width;
  }

  @Override
  public boolean isWhole() {
    return this != FLOAT32;
  }

  @Override
  public boolean contains(double value) {
    return Double.isFinite(value) && value >= min && value <= max;
  }

  @Override
  public String range() {
    return isWhole()
        ? String.format("%d..%d", (long) min, (long) max)
        : String.format("%s..%s", min, max);
  }

  /**
   * The value's bits, two's complement for signed types. Whole types round and wrap, which only
   * counters reach: every other value was checked against the type's range when it was configured.
   */
  public long bits(double value) {
    return switch (this) {
      case BOOL -> value != 0 ? 1 : 0;
      case FLOAT32 -> Float.floatToIntBits((float) value) & 0xFFFF_FFFFL;
      default -> Math.round(value) & (width == 1 ? 0xFFFFL : 0xFFFF_FFFFL);
    };
  }

  /** The value the bits stand for: {@link Integer}, {@link Long} (uint32) or {@link Float}. */
  public Number number(long bits) {
    return switch (this) {
      case BOOL, UINT16 -> (int) bits;
      case INT16 -> (int) (short) bits;
      case INT32 -> (int) bits;
      case UINT32 -> bits;
      case FLOAT32 -> Float.intBitsToFloat((int) bits);
    };
  }
}
