package dev.trustbridge.adapters.modbus;

/** The order of the two registers of a 32-bit value; many PLCs put the low word first. */
public enum WordOrder {
  HIGH_FIRST("highFirst"),
  LOW_FIRST("lowFirst");

  private final String configName;

  WordOrder(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration files. */
  public String configName() {
    return configName;
  }
}
