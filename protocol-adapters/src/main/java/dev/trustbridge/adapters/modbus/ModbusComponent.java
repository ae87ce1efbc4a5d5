package dev.trustbridge.adapters.modbus;

import dev.trustbridge.adapters.DeviceWriteException;
import dev.trustbridge.adapters.DeviceWriter;
import dev.trustbridge.adapters.internal.Backoff;
import dev.trustbridge.adapters.modbus.internal.DeviceSession;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Endpoint;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code modbus:} Camel component: {@code modbus:<deviceId>} polls the tags of a registered
 * Modbus TCP device and emits one {@link dev.trustbridge.adapters.SampleBatch} per poll cycle. Only
 * registered devices can be named; the runtime registers them from its validated configuration.
 * Writes go through {@link #writer()} only, never through an endpoint.
 */
@Component("modbus")
public class ModbusComponent extends DefaultComponent {

  private static final double GOLDEN_RATIO_FRACTION = (Math.sqrt(5) - 1) / 2;

  private final Map<String, ModbusDevice> devices = new LinkedHashMap<>();
  private int maxSamplesPerBatch = 1000;
  // guarded by this: the session a consumer polls with, so that writes share its connection
  private final Map<String, DeviceSession> pollingSessions = new HashMap<>();
  // guarded by this: sessions opened for writes to devices that no route polls
  private final Map<String, DeviceSession> writeSessions = new HashMap<>();
  private final DeviceWriter writer = new Writer();
  private PollListener pollListener = PollListener.NONE;

  /**
   * The default of every endpoint's {@code maxSamplesPerBatch}: the most samples in one emitted
   * batch, and so in one signed envelope.
   */
  public void setMaxSamplesPerBatch(int maxSamplesPerBatch) {
    this.maxSamplesPerBatch = maxSamplesPerBatch;
  }

  public int getMaxSamplesPerBatch() {
    return maxSamplesPerBatch;
  }

  public PollListener getPollListener() {
    return pollListener;
  }

  /** Told about every poll cycle of every endpoint of this component, for metrics. */
  public void setPollListener(PollListener pollListener) {
    this.pollListener = Objects.requireNonNull(pollListener, "pollListener");
  }

  /** Registers a device so that routes can poll it; a second device with the same id is refused. */
  public void addDevice(ModbusDevice device) {
    if (devices.putIfAbsent(device.id(), device) != null) {
      throw new IllegalArgumentException("Modbus device " + device.id() + " is registered twice");
    }
  }

  /** Writes tag values to the registered devices, over the connection a route polls with. */
  public DeviceWriter writer() {
    return writer;
  }

  synchronized void attach(String deviceId, DeviceSession session) {
    pollingSessions.put(deviceId, session);
    DeviceSession own = writeSessions.remove(deviceId);
    if (own != null) {
      own.close();
    }
  }

  synchronized void detach(String deviceId, DeviceSession session) {
    pollingSessions.remove(deviceId, session);
  }

  private synchronized DeviceSession sessionFor(ModbusDevice device) {
    DeviceSession polling = pollingSessions.get(device.id());
    if (polling != null) {
      return polling;
    }
    return writeSessions.computeIfAbsent(
        device.id(),
        id ->
            new DeviceSession(
                device,
                List.of(),
                new Backoff(
                    Duration.ofSeconds(1), Duration.ofSeconds(30), ThreadLocalRandom.current()),
                Clock.systemUTC()));
  }

  @Override
  protected void doStop() throws Exception {
    synchronized (this) {
      writeSessions.values().forEach(DeviceSession::close);
      writeSessions.clear();
    }
    super.doStop();
  }

  private final class Writer implements DeviceWriter {

    @Override
    public TagAccess access(String deviceId, String tag) {
      ModbusDevice device = devices.get(deviceId);
      if (device == null) {
        return TagAccess.UNKNOWN_DEVICE;
      }
      return device.tags().stream()
          .filter(t -> t.name().equals(tag))
          .findFirst()
          .map(
              t ->
                  t.table() == ModbusTable.COIL || t.table() == ModbusTable.HOLDING_REGISTER
                      ? TagAccess.WRITABLE
                      : TagAccess.READ_ONLY)
          .orElse(TagAccess.UNKNOWN_TAG);
    }

    @Override
    public String write(String deviceId, String tag, Object value) throws DeviceWriteException {
      if (access(deviceId, tag) != TagAccess.WRITABLE) {
        throw new IllegalArgumentException(
            "tag " + tag + " of device " + deviceId + " cannot be written");
      }
      ModbusDevice device = devices.get(deviceId);
      ModbusTag target =
          device.tags().stream().filter(t -> t.name().equals(tag)).findFirst().orElseThrow();
      return sessionFor(device).write(target, value);
    }
  }

  /**
   * When a device's first poll starts, within its first interval: the n-th device registered starts
   * {@code frac(n × 0.618…)} of its interval in, so that devices polled at the same interval take
   * turns over it instead of all reading, signing and storing at one instant. Spread by the golden
   * ratio, any number of devices lands evenly without knowing how many there are.
   */
  private Duration pollPhase(ModbusDevice device) {
    int position = List.copyOf(devices.keySet()).indexOf(device.id());
    double fraction = (position * GOLDEN_RATIO_FRACTION) % 1.0;
    return Duration.ofMillis(Math.round(fraction * device.pollInterval().toMillis()));
  }

  @Override
  protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters)
      throws Exception {
    ModbusDevice device = devices.get(remaining);
    if (device == null) {
      throw new ResolveEndpointFailedException(
          uri, "no registered Modbus device '" + remaining + "'; registered: " + devices.keySet());
    }
    ModbusEndpoint endpoint = new ModbusEndpoint(uri, this, device);
    endpoint.setDelay(device.pollInterval().toMillis());
    endpoint.setInitialDelay(pollPhase(device).toMillis());
    // polls start every pollInterval, as a plant's scan rate means; a poll that overruns delays
    // the next one, never two at once
    endpoint.setUseFixedDelay(false);
    endpoint.setMaxSamplesPerBatch(maxSamplesPerBatch);
    setProperties(endpoint, parameters);
    return endpoint;
  }
}
