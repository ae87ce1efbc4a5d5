package dev.trustbridge.adapters.modbus;

import java.util.Objects;

/**
 * A named value on a Modbus device: where it lives, how to decode it and how to scale it.
 *
 * <p>The published value is {@code raw * scale + offset}. A tag with scale 1 and offset 0 publishes
 * integers as {@link Long}; any other scale or offset, and every {@code float32}, publishes a
 * {@link Double}; {@code bool} publishes a {@link Boolean}.
 *
 * @param name unique within the device
 * @param table the data table the tag is read from
 * @param address the zero-based address of the tag's first bit or register
 * @param type how the raw bits or registers are interpreted; {@code bool} exactly for bit tables
 * @param byteOrder the byte order inside each register
 * @param wordOrder the register order of 32-bit types
 * @param scale multiplied with the raw value
 * @param offset added after scaling
 * @param unit the engineering unit, or {@code ""}
 */
public record ModbusTag(
    String name,
    ModbusTable table,
    int address,
    ModbusDataType type,
    ByteOrder byteOrder,
    WordOrder wordOrder,
    double scale,
    double offset,
    String unit) {

  /** The highest address a Modbus data table has. */
  public static final int MAX_ADDRESS = 65535;

  public ModbusTag {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(byteOrder, "byteOrder");
    Objects.requireNonNull(wordOrder, "wordOrder");
    Objects.requireNonNull(unit, "unit");
    if (name.isBlank()) {
      throw new IllegalArgumentException("tag name must not be blank");
    }
    if (table.holdsBits() != (type == ModbusDataType.BOOL)) {
      throw new IllegalArgumentException(
          "tag "
              + name
              + ": type "
              + type.configName()
              + (table.holdsBits() ? " cannot be read from " : " needs a register table, not ")
              + table.configName());
    }
    if (address < 0 || address + type.width() - 1 > MAX_ADDRESS) {
      throw new IllegalArgumentException(
          "tag "
              + name
              + ": address "
              + address
              + " is outside 0.."
              + (MAX_ADDRESS - type.width() + 1));
    }
    if (!Double.isFinite(scale) || scale == 0 || !Double.isFinite(offset)) {
      throw new IllegalArgumentException(
          "tag " + name + ": scale must be finite and non-zero, offset finite");
    }
  }

  /** A tag with the default orders (big-endian bytes, high word first), no scaling and no unit. */
  public static ModbusTag of(String name, ModbusTable table, int address, ModbusDataType type) {
    return new ModbusTag(
        name, table, address, type, ByteOrder.BIG_ENDIAN, WordOrder.HIGH_FIRST, 1, 0, "");
  }

  /** The last address this tag occupies. */
  public int lastAddress() {
    return address + type.width() - 1;
  }

  /** Whether the raw value is published unchanged. */
  public boolean isUnscaled() {
    return scale == 1 && offset == 0;
  }
}
