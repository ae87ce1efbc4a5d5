package dev.trustbridge.adapters.modbus;

import dev.trustbridge.adapters.internal.Backoff;
import dev.trustbridge.adapters.modbus.internal.DeviceSession;
import dev.trustbridge.adapters.modbus.internal.ReadPlanner;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.ScheduledPollEndpoint;

/**
 * Polls one registered Modbus TCP device. The poll interval defaults to the device's configured
 * {@code pollInterval} ({@code delay} overrides it); each endpoint polls on its own thread, so a
 * slow or dead device never delays another.
 */
@UriEndpoint(
    firstVersion = "0.1.0",
    scheme = "modbus",
    title = "Modbus TCP",
    syntax = "modbus:deviceId",
    consumerOnly = true,
    category = {Category.IOT})
public class ModbusEndpoint extends ScheduledPollEndpoint {

  @UriPath(description = "The id of a device registered in trustbridge.yaml")
  private final ModbusDevice device;

  @UriParam(defaultValue = "125", description = "Most registers one read request covers (1..125)")
  private int maxRegistersPerRead = 125;

  @UriParam(
      defaultValue = "2000",
      description = "Most coils or discrete inputs one read covers (1..2000)")
  private int maxBitsPerRead = 2000;

  @UriParam(defaultValue = "1000", description = "Wait in ms before the first reconnect attempt")
  private long reconnectDelay = 1000;

  @UriParam(defaultValue = "30000", description = "Longest wait in ms between reconnect attempts")
  private long maxReconnectDelay = 30_000;

  @UriParam(defaultValue = "1000", description = "Most samples in one emitted batch (one envelope)")
  private int maxSamplesPerBatch = 1000;

  ModbusEndpoint(String uri, ModbusComponent component, ModbusDevice device) {
    super(uri, component);
    this.device = device;
  }

  @Override
  public ModbusComponent getComponent() {
    return (ModbusComponent) super.getComponent();
  }

  /** The device this endpoint polls. */
  public ModbusDevice getDevice() {
    return device;
  }

  public int getMaxRegistersPerRead() {
    return maxRegistersPerRead;
  }

  /**
   * The most registers one read request covers, 1..125. Contiguous tags are merged into requests up
   * to this size; lower it for devices that reject long reads.
   */
  public void setMaxRegistersPerRead(int maxRegistersPerRead) {
    this.maxRegistersPerRead = maxRegistersPerRead;
  }

  public int getMaxBitsPerRead() {
    return maxBitsPerRead;
  }

  /** The most coils or discrete inputs one read request covers, 1..2000. */
  public void setMaxBitsPerRead(int maxBitsPerRead) {
    this.maxBitsPerRead = maxBitsPerRead;
  }

  public long getReconnectDelay() {
    return reconnectDelay;
  }

  /**
   * Milliseconds to wait before the first reconnect attempt after the device was lost; each further
   * failure doubles the wait (with jitter) up to {@link #setMaxReconnectDelay maxReconnectDelay}.
   */
  public void setReconnectDelay(long reconnectDelay) {
    this.reconnectDelay = reconnectDelay;
  }

  public long getMaxReconnectDelay() {
    return maxReconnectDelay;
  }

  /** The longest wait between reconnect attempts, in milliseconds. */
  public void setMaxReconnectDelay(long maxReconnectDelay) {
    this.maxReconnectDelay = maxReconnectDelay;
  }

  public int getMaxSamplesPerBatch() {
    return maxSamplesPerBatch;
  }

  /**
   * The most samples one emitted batch holds; a device with more tags yields several batches per
   * poll, in tag order. Each batch becomes one signed envelope, so this bounds envelope size.
   */
  public void setMaxSamplesPerBatch(int maxSamplesPerBatch) {
    if (maxSamplesPerBatch < 1) {
      throw new IllegalArgumentException(
          "maxSamplesPerBatch must be at least 1, was " + maxSamplesPerBatch);
    }
    this.maxSamplesPerBatch = maxSamplesPerBatch;
  }

  @Override
  public Consumer createConsumer(Processor processor) throws Exception {
    ModbusConsumer consumer = new ModbusConsumer(this, processor);
    configureConsumer(consumer);
    return consumer;
  }

  @Override
  public Producer createProducer() {
    throw new UnsupportedOperationException(
        "modbus:" + device.id() + " only reads; writes to devices go through signed commands");
  }

  DeviceSession openSession() {
    ReadPlanner planner = new ReadPlanner(maxRegistersPerRead, maxBitsPerRead);
    Backoff backoff =
        new Backoff(
            Duration.ofMillis(reconnectDelay),
            Duration.ofMillis(maxReconnectDelay),
            ThreadLocalRandom.current());
    return new DeviceSession(device, planner.plan(device.tags()), backoff, Clock.systemUTC());
  }
}
