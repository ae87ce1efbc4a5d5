package dev.trustbridge.sim.modbus.internal;

import java.util.List;

/**
 * One simulated device.
 *
 * @param port the TCP port, 0 to take a free one
 * @param location {@code source:line:column} of the device in its scenario, for messages
 */
public record DeviceConfig(
    String id, int port, int unitId, List<PointConfig> points, String location) {

  public DeviceConfig {
    points = List.copyOf(points);
  }
}
