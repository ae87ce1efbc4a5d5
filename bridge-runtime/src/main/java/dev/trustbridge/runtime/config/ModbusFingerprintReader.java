package dev.trustbridge.runtime.config;

import dev.trustbridge.adapters.modbus.ByteOrder;
import dev.trustbridge.adapters.modbus.ModbusDataType;
import dev.trustbridge.adapters.modbus.ModbusFingerprint;
import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.modbus.ModbusTag;
import dev.trustbridge.adapters.modbus.WordOrder;
import dev.trustbridge.runtime.config.internal.YamlMapping;
import java.util.Optional;

/**
 * Reads the optional {@code fingerprint} of a Modbus device: a register that identifies the
 * physical device (e.g. its serial number) and the value it must hold.
 */
final class ModbusFingerprintReader {

  private ModbusFingerprintReader() {}

  static Optional<ModbusFingerprint> read(YamlMapping device) {
    return device.mapping("fingerprint").flatMap(ModbusFingerprintReader::fingerprint);
  }

  private static Optional<ModbusFingerprint> fingerprint(YamlMapping section) {
    ModbusTable table =
        section.choice("table", null, ModbusTable.values(), ModbusTable::configName);
    if (!section.has("table")) {
      section.problem("table", "is required");
    }
    int address = section.requiredInteger("address", 0, ModbusTag.MAX_ADDRESS);
    ModbusDataType type =
        section.choice(
            "type",
            table != null && table.holdsBits() ? ModbusDataType.BOOL : ModbusDataType.UINT16,
            ModbusDataType.values(),
            ModbusDataType::configName);
    ByteOrder byteOrder =
        section.choice(
            "byteOrder", ByteOrder.BIG_ENDIAN, ByteOrder.values(), ByteOrder::configName);
    WordOrder wordOrder =
        section.choice(
            "wordOrder", WordOrder.HIGH_FIRST, WordOrder.values(), WordOrder::configName);
    Optional<String> value = section.requiredString("value");
    section.rejectUnknownKeys();
    if (table == null || value.isEmpty()) {
      return Optional.empty();
    }
    try {
      ModbusTag register =
          new ModbusTag("fingerprint", table, address, type, byteOrder, wordOrder, 1, 0, "");
      return Optional.of(new ModbusFingerprint(register, expected(type, value.get().strip())));
    } catch (IllegalArgumentException e) {
      section.problem(e.getMessage());
      return Optional.empty();
    }
  }

  private static Object expected(ModbusDataType type, String text) {
    try {
      return switch (type) {
        case BOOL -> {
          if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException("value '" + text + "' is not true or false");
          }
          yield Boolean.parseBoolean(text);
        }
        case FLOAT32 -> Double.parseDouble(text);
        default -> Long.parseLong(text);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "value '" + text + "' is not a " + type.configName() + " number");
    }
  }
}
