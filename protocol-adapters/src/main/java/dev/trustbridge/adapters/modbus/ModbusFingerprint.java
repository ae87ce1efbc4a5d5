package dev.trustbridge.adapters.modbus;

import java.util.Objects;

/**
 * What identifies one physical Modbus device: a register (or bit) that holds, e.g., its serial
 * number, and the value it must hold. Read after every (re)connect; a different value means the
 * device was swapped or is impersonated, and stops the device's flow.
 *
 * @param register where the identifying value lives and how it is decoded (unscaled)
 * @param expected the value it must hold: a {@link Long} for integer types, a {@link Double} for
 *     {@code float32}, a {@link Boolean} for {@code bool}
 */
public record ModbusFingerprint(ModbusTag register, Object expected) {

  public ModbusFingerprint {
    Objects.requireNonNull(register, "register");
    Objects.requireNonNull(expected, "expected");
    if (!register.isUnscaled()) {
      throw new IllegalArgumentException("a fingerprint register is compared unscaled");
    }
    Class<?> wanted =
        switch (register.type()) {
          case BOOL -> Boolean.class;
          case FLOAT32 -> Double.class;
          default -> Long.class;
        };
    if (!wanted.isInstance(expected)) {
      throw new IllegalArgumentException(
          "fingerprint value "
              + expected
              + " does not fit type "
              + register.type().configName()
              + " (expected a "
              + wanted.getSimpleName()
              + ")");
    }
  }

  /** {@code table=… address=… type=…}, for log lines and errors. */
  public String describe() {
    return "table="
        + register.table().configName()
        + " address="
        + register.address()
        + " type="
        + register.type().configName();
  }
}
