package dev.trustbridge.sim.modbus.internal;

/**
 * The order of bytes within a register, or of registers within a 32-bit value; {@code bigEndian}
 * (most significant first) is the Modbus default.
 */
public enum Order {
  BIG_ENDIAN,
  LITTLE_ENDIAN
}
