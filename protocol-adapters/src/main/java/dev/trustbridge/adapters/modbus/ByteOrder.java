package dev.trustbridge.adapters.modbus;

/** The order of the two bytes inside each 16-bit register; Modbus itself is big-endian. */
public enum ByteOrder {
  BIG_ENDIAN("bigEndian"),
  LITTLE_ENDIAN("littleEndian");

  private final String configName;

  ByteOrder(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration files. */
  public String configName() {
    return configName;
  }
}
