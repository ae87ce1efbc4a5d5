package dev.trustbridge.adapters;

/**
 * Writes tag values to the registered devices of one protocol: the one way a permitted command
 * reaches a device. It is no Camel endpoint, so that no route can write without a command.
 */
public interface DeviceWriter {

  /** Whether a tag of a device exists and can be written. */
  enum TagAccess {
    UNKNOWN_DEVICE,
    UNKNOWN_TAG,
    READ_ONLY,
    WRITABLE
  }

  /** Whether this writer serves the device and can write the tag. */
  TagAccess access(String deviceId, String tag);

  /**
   * Writes the value, converted to the tag's raw form, and waits for the device's answer.
   *
   * @param value a {@link Boolean} for bit tags, a {@link Number} for register tags
   * @return the device's answer, for the command result, e.g. {@code "wrote 2 registers at 100"}
   * @throws DeviceWriteException if the value does not fit the tag, or the device cannot be reached
   *     or answers with an error
   */
  String write(String deviceId, String tag, Object value) throws DeviceWriteException;
}
