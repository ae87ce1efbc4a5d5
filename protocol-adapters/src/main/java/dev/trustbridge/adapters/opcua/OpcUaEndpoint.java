package dev.trustbridge.adapters.opcua;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Delivers the samples of one registered OPC UA device: subscribed tags as the server reports
 * changes, polled tags every poll interval, and BAD samples (or none, as configured) while the
 * device is down.
 */
@UriEndpoint(
    firstVersion = "0.1.0",
    scheme = "opcua",
    title = "OPC UA",
    syntax = "opcua:deviceId",
    consumerOnly = true,
    category = {Category.IOT})
public class OpcUaEndpoint extends DefaultEndpoint {

  @UriPath(description = "The id of a device registered in trustbridge.yaml")
  private final OpcUaDevice device;

  @UriParam(defaultValue = "1000", description = "Most samples in one emitted batch (one envelope)")
  private int maxSamplesPerBatch = 1000;

  OpcUaEndpoint(String uri, OpcUaComponent component, OpcUaDevice device) {
    super(uri, component);
    this.device = device;
  }

  @Override
  public OpcUaComponent getComponent() {
    return (OpcUaComponent) super.getComponent();
  }

  /** The device this endpoint reads. */
  public OpcUaDevice getDevice() {
    return device;
  }

  public int getMaxSamplesPerBatch() {
    return maxSamplesPerBatch;
  }

  /**
   * The most samples one emitted batch holds; a larger notification or poll yields several batches,
   * in order. Each batch becomes one signed envelope, so this bounds envelope size.
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
    OpcUaConsumer consumer = new OpcUaConsumer(this, processor);
    configureConsumer(consumer);
    return consumer;
  }

  @Override
  public Producer createProducer() {
    throw new UnsupportedOperationException(
        "opcua:" + device.id() + " only reads; writes to devices go through signed commands");
  }
}
