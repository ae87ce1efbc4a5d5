package dev.trustbridge.adapters.modbus;

/** How a tag's raw bits or registers are interpreted. */
public enum ModbusDataType {
  BOOL("bool", 1),
  INT16("int16", 1),
  UINT16("uint16", 1),
  INT32("int32", 2),
  UINT32("uint32", 2),
  FLOAT32("float32", 2);

  private final String configName;
  private final int width;

  ModbusDataType(String configName, int width) {
    this.configName = configName;
    this.width = width;
  }

  /** The name used in configuration files, e.g. {@code float32}. */
  public String configName() {
    return configName;
  }

  /** How many consecutive addresses (bits or registers) one value occupies. */
  public int width() {
    return width;
  }
}
