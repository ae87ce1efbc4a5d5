package dev.trustbridge.sim.modbus.internal;

import java.time.Duration;
import java.util.List;

/** A validated scenario: the tick that drives every generator and the devices to serve. */
public record ScenarioConfig(String source, Duration tick, List<DeviceConfig> devices) {

  public ScenarioConfig {
    devices = List.copyOf(devices);
  }
}
