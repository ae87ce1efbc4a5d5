package dev.trustbridge.sim.modbus.internal;

import dev.trustbridge.sim.modbus.Table;
import dev.trustbridge.sim.scenario.internal.Generator;

/**
 * One point of a device: where it lives, how it is encoded and what drives it.
 *
 * @param location {@code source:line:column} of the point in its scenario, for messages
 */
public record PointConfig(
    Table table,
    int address,
    PointType type,
    Order byteOrder,
    Order wordOrder,
    Generator generator,
    String location) {

  /** The last address the point occupies. */
  public int lastAddress() {
    return address + type.width() - 1;
  }

  /** For messages: {@code holdingRegister 0..1 (float32)}. */
  public String describe() {
    String span = type.width() == 1 ? Integer.toString(address) : address + ".." + lastAddress();
    return table.scenarioName() + " " + span + " (" + type.scenarioName() + ")";
  }
}
