package dev.trustbridge.adapters.opcua;

import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.TrustBridgeHeaders;
import dev.trustbridge.adapters.opcua.internal.DeviceConnection;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/**
 * Emits one exchange per batch of samples whose body is the device's {@link SampleBatch}, or
 * several in order when a batch is larger than {@code maxSamplesPerBatch}.
 */
public class OpcUaConsumer extends DefaultConsumer {

  private final java.util.function.Consumer<SampleBatch> listener = this::deliver;
  private DeviceConnection connection;

  OpcUaConsumer(OpcUaEndpoint endpoint, Processor processor) {
    super(endpoint, processor);
  }

  @Override
  public OpcUaEndpoint getEndpoint() {
    return (OpcUaEndpoint) super.getEndpoint();
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    connection = getEndpoint().getComponent().connection(getEndpoint().getDevice().id());
    connection.addListener(listener);
  }

  @Override
  protected void doStop() throws Exception {
    if (connection != null) {
      connection.removeListener(listener);
    }
    super.doStop();
  }

  private void deliver(SampleBatch batch) {
    for (SampleBatch part : batch.split(getEndpoint().getMaxSamplesPerBatch())) {
      emit(part);
    }
  }

  private void emit(SampleBatch batch) {
    Exchange exchange = createExchange(false);
    try {
      exchange.getIn().setBody(batch);
      exchange.getIn().setHeader(TrustBridgeHeaders.DEVICE_ID, batch.deviceId());
      getProcessor().process(exchange);
    } catch (Exception e) {
      exchange.setException(e);
    }
    if (exchange.getException() != null) {
      getExceptionHandler()
          .handleException(
              "route failed for device " + batch.deviceId(), exchange, exchange.getException());
    }
    releaseExchange(exchange, false);
  }
}
