package dev.trustbridge.adapters.modbus;

import java.time.Duration;

/**
 * Told about every poll cycle of every Modbus device, on the device's poll thread: the seam through
 * which the runtime measures device connection state and poll latency. Must return quickly.
 */
@FunctionalInterface
public interface PollListener {

  /** A listener that ignores every poll. */
  PollListener NONE = (deviceId, connected, duration) -> {};

  /**
   * One poll cycle ended.
   *
   * @param deviceId the registered device
   * @param connected whether the gateway's connection to the device is up after the cycle
   * @param duration how long the cycle took, reads and decoding included
   */
  void polled(String deviceId, boolean connected, Duration duration);
}
