package dev.trustbridge.adapters.modbus;

/** The four Modbus data tables, with the largest read each function code allows. */
public enum ModbusTable {
  COIL("coil", true, 2000),
  DISCRETE_INPUT("discreteInput", true, 2000),
  INPUT_REGISTER("inputRegister", false, 125),
  HOLDING_REGISTER("holdingRegister", false, 125);

  private final String configName;
  private final boolean bits;
  private final int protocolMaxPerRead;

  ModbusTable(String configName, boolean bits, int protocolMaxPerRead) {
    this.configName = configName;
    this.bits = bits;
    this.protocolMaxPerRead = protocolMaxPerRead;
  }

  /** The name used in configuration files, e.g. {@code holdingRegister}. */
  public String configName() {
    return configName;
  }

  /** Whether the table holds single bits (coils, discrete inputs) rather than 16-bit registers. */
  public boolean holdsBits() {
    return bits;
  }

  /** The most addresses one read request may cover: 2000 bits or 125 registers. */
  public int protocolMaxPerRead() {
    return protocolMaxPerRead;
  }
}
