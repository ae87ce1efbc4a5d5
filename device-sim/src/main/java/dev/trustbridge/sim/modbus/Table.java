package dev.trustbridge.sim.modbus;

/** The four Modbus data tables a simulated device serves; scenario files name them in camelCase. */
public enum Table {
  /** Read/write bits, function codes 1, 5 and 15; {@code coil} in a scenario. */
  COIL("coil"),
  /** Read-only bits, function code 2; {@code discreteInput} in a scenario. */
  DISCRETE_INPUT("discreteInput"),
  /** Read-only 16-bit registers, function code 4; {@code inputRegister} in a scenario. */
  INPUT_REGISTER("inputRegister"),
  /** Read/write 16-bit registers, function codes 3, 6, 16 and 23; {@code holdingRegister}. */
  HOLDING_REGISTER("holdingRegister");

  private final String scenarioName;

  Table(String scenarioName) {
    this.scenarioName = scenarioName;
  }

  /** The name a scenario file uses for this table. */
  public String scenarioName() {
    return scenarioName;
  }

  /** Whether the table holds bits (coils, discrete inputs) rather than 16-bit registers. */
  public boolean holdsBits() {
    return this == COIL || this == DISCRETE_INPUT;
  }
}
