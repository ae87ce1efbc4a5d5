package dev.trustbridge.adapters.modbus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.Endpoint;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code modbus:} Camel component: {@code modbus:<deviceId>} polls the tags of a registered
 * Modbus TCP device and emits one {@link dev.trustbridge.adapters.SampleBatch} per poll cycle. Only
 * registered devices can be named; the runtime registers them from its validated configuration.
 */
@Component("modbus")
public class ModbusComponent extends DefaultComponent {

  private final Map<String, ModbusDevice> devices = new LinkedHashMap<>();
  private int maxSamplesPerBatch = 1000;
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
    endpoint.setMaxSamplesPerBatch(maxSamplesPerBatch);
    setProperties(endpoint, parameters);
    return endpoint;
  }
}
