package dev.trustbridge.sim.modbus.internal;

import com.ghgande.j2mod.modbus.procimg.DigitalIn;
import com.ghgande.j2mod.modbus.procimg.DigitalOut;

/**
 * One coil or discrete input; one type serves both tables because only the table decides access.
 */
final class Bit implements DigitalIn, DigitalOut {

  private volatile boolean set;

  @Override
  public boolean isSet() {
    return set;
  }

  @Override
  public void set(boolean set) {
    this.set = set;
  }
}
