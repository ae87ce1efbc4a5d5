package dev.trustbridge.sim.modbus.internal;

/** Lays a value's bits out over one or two 16-bit registers in a configured byte and word order. */
public final class RegisterCodec {

  private RegisterCodec() {}

  /** The registers, in ascending address order, that carry {@code bits}. */
  public static int[] encode(long bits, int width, Order byteOrder, Order wordOrder) {
    int[] registers =
        width == 1
            ? new int[] {(int) (bits & 0xFFFF)}
            : new int[] {(int) ((bits >>> 16) & 0xFFFF), (int) (bits & 0xFFFF)};
    return arrange(registers, byteOrder, wordOrder);
  }

  /** The bits carried by {@code registers}, the inverse of {@link #encode}. */
  public static long decode(int[] registers, Order byteOrder, Order wordOrder) {
    int[] canonical = arrange(registers.clone(), byteOrder, wordOrder);
    long bits = 0;
    for (int register : canonical) {
      bits = (bits << 16) | (register & 0xFFFF);
    }
    return bits;
  }

  // Swapping words and swapping bytes are each their own inverse, so one routine serves both ways.
  private static int[] arrange(int[] registers, Order byteOrder, Order wordOrder) {
    if (wordOrder == Order.LITTLE_ENDIAN && registers.length == 2) {
      int high = registers[0];
      registers[0] = registers[1];
      registers[1] = high;
    }
    if (byteOrder == Order.LITTLE_ENDIAN) {
      for (int i = 0; i < registers.length; i++) {
        registers[i] = ((registers[i] & 0xFF) << 8) | ((registers[i] >>> 8) & 0xFF);
      }
    }
    return registers;
  }
}
