package dev.trustbridge.adapters;

/** A write to a device did not happen; {@link #reason()} says whether the value or the device. */
public final class DeviceWriteException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a write failed. */
  public enum Reason {
    /** The value cannot be represented in the tag's type after scaling. */
    INVALID_VALUE,
    /** The device could not be reached, timed out or answered with an exception. */
    DEVICE_ERROR
  }

  private final Reason reason;

  public DeviceWriteException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public DeviceWriteException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
