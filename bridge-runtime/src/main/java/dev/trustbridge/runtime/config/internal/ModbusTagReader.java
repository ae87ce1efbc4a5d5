package dev.trustbridge.runtime.config.internal;

import dev.trustbridge.adapters.modbus.ByteOrder;
import dev.trustbridge.adapters.modbus.ModbusDataType;
import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.modbus.ModbusTag;
import dev.trustbridge.adapters.modbus.WordOrder;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one Modbus tag from its fields, written in {@code trustbridge.yaml} or in a row of a CSV
 * tag list: the same keys, defaults and checks in both.
 */
public final class ModbusTagReader {

  /** The keys of a tag, which are also the columns of a CSV tag list. */
  public static final TagColumns<ModbusTag> COLUMNS =
      new TagColumns<>(
          List.of(
              "name",
              "table",
              "address",
              "type",
              "byteOrder",
              "wordOrder",
              "scale",
              "offset",
              "unit"),
          Set.of("name", "table", "address"),
          ModbusTagReader::read);

  private ModbusTagReader() {}

  /**
   * The tag, or empty when it has a problem (recorded).
   *
   * @param names the names of the device's tags read so far; this one's is added
   */
  public static Optional<ModbusTag> read(Fields tag, Set<String> names) {
    String name = tag.requiredString("name").orElse("");
    boolean duplicate = !name.isEmpty() && !names.add(name);
    if (duplicate) {
      tag.problem("name", "tag '" + name + "' is declared twice on this device");
    }
    ModbusTable table = tag.choice("table", null, ModbusTable.values(), ModbusTable::configName);
    if (!tag.has("table")) {
      tag.problem("table", "is required");
    }
    int address = tag.requiredInteger("address", 0, ModbusTag.MAX_ADDRESS);
    ModbusDataType type =
        tag.choice(
            "type",
            table != null && table.holdsBits() ? ModbusDataType.BOOL : ModbusDataType.UINT16,
            ModbusDataType.values(),
            ModbusDataType::configName);
    ByteOrder byteOrder =
        tag.choice("byteOrder", ByteOrder.BIG_ENDIAN, ByteOrder.values(), ByteOrder::configName);
    WordOrder wordOrder =
        tag.choice("wordOrder", WordOrder.HIGH_FIRST, WordOrder.values(), WordOrder::configName);
    double scale = tag.number("scale", 1);
    double offset = tag.number("offset", 0);
    String unit = tag.optionalString("unit").orElse("");
    if (name.isEmpty() || table == null) {
      return Optional.empty();
    }
    try {
      ModbusTag read =
          new ModbusTag(name, table, address, type, byteOrder, wordOrder, scale, offset, unit);
      // a second tag of one name is checked like any other, then left out
      return duplicate ? Optional.empty() : Optional.of(read);
    } catch (IllegalArgumentException e) {
      tag.problem(e.getMessage());
      return Optional.empty();
    }
  }
}
