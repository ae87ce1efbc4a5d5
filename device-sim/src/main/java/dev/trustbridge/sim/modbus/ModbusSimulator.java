package dev.trustbridge.sim.modbus;

import dev.trustbridge.sim.modbus.internal.DeviceConfig;
import dev.trustbridge.sim.modbus.internal.DeviceServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the devices of a {@link Scenario} as Modbus TCP servers, one port per device, and advances
 * their values every tick until closed.
 *
 * <pre>{@code
 * try (ModbusSimulator simulator = ModbusSimulator.start(Scenario.samplePlant())) {
 *   SimulatedDevice boiler = simulator.device("boiler-1");
 *   // poll 127.0.0.1:boiler.port() with unit id boiler.unitId()
 * }
 * }</pre>
 */
public final class ModbusSimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ModbusSimulator.class);

  private final Scenario scenario;
  private final Map<String, DeviceServer> devices = new LinkedHashMap<>();
  private final ScheduledExecutorService ticker;
  private final AtomicBoolean closed = new AtomicBoolean();
  private long ticks;

  private ModbusSimulator(Scenario scenario, InetAddress bindAddress) {
    this.scenario = scenario;
    for (DeviceConfig device : scenario.config().devices()) {
      devices.put(device.id(), new DeviceServer(device, scenario.tick(), bindAddress));
    }
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "modbus-sim-tick");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts every device of the scenario on 127.0.0.1.
   *
   * @throws java.io.UncheckedIOException if a device cannot listen on its port; devices already
   *     started are stopped again
   */
  public static ModbusSimulator start(Scenario scenario) {
    try {
      return start(scenario, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a literal IPv4 address is always valid", e);
    }
  }

  /**
   * Starts every device of the scenario on {@code bindAddress}, e.g. to serve other containers.
   *
   * @throws java.io.UncheckedIOException if a device cannot listen on its port; devices already
   *     started are stopped again
   */
  public static ModbusSimulator start(Scenario scenario, InetAddress bindAddress) {
    ModbusSimulator simulator = new ModbusSimulator(scenario, bindAddress);
    try {
      simulator.devices.values().forEach(DeviceServer::start);
    } catch (RuntimeException e) {
      simulator.close();
      throw e;
    }
    long tickNanos = scenario.tick().toNanos();
    simulator.ticker.scheduleAtFixedRate(
        simulator::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    log.info(
        "modbus simulator started scenario={} devices={} tickMs={}",
        scenario.source(),
        simulator.devices.size(),
        scenario.tick().toMillis());
    return simulator;
  }

  /**
   * The device with this id.
   *
   * @throws IllegalArgumentException if the scenario has no such device
   */
  public SimulatedDevice device(String id) {
    SimulatedDevice device = devices.get(id);
    if (device == null) {
      throw new IllegalArgumentException(
          "scenario "
              + scenario.source()
              + " has no device '"
              + id
              + "'; it has "
              + devices.keySet());
    }
    return device;
  }

  /** Every device, in scenario order. */
  public List<SimulatedDevice> devices() {
    return List.copyOf(devices.values());
  }

  /** Stops every device and the tick; safe to call twice. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ticker.shutdownNow();
    devices.values().forEach(DeviceServer::shutdown);
    log.info("modbus simulator closed scenario={}", scenario.source());
  }

  // Runs on the ticker thread only; an exception would silently cancel all later ticks.
  private void tick() {
    long n = ++ticks;
    for (DeviceServer device : devices.values()) {
      try {
        device.tick(n);
      } catch (RuntimeException e) {
        log.error("modbus tick failed device={} tick={}", device.id(), n, e);
      }
    }
  }
}
