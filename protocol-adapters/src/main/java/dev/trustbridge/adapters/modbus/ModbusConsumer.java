package dev.trustbridge.adapters.modbus;

import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.TrustBridgeHeaders;
import dev.trustbridge.adapters.modbus.internal.DeviceSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.ScheduledPollConsumer;

/**
 * Emits one exchange per poll cycle whose body is the device's {@link SampleBatch}, or several in
 * order when the device has more tags than {@code maxSamplesPerBatch}.
 */
public class ModbusConsumer extends ScheduledPollConsumer {

  private DeviceSession session;

  ModbusConsumer(ModbusEndpoint endpoint, Processor processor) {
    super(endpoint, processor);
  }

  @Override
  public ModbusEndpoint getEndpoint() {
    return (ModbusEndpoint) super.getEndpoint();
  }

  @Override
  protected void doStart() throws Exception {
    session = getEndpoint().openSession();
    getEndpoint().getComponent().attach(getEndpoint().getDevice().id(), session);
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    super.doStop();
    getEndpoint().getComponent().detach(getEndpoint().getDevice().id(), session);
    session.close();
  }

  @Override
  protected int poll() throws Exception {
    long started = System.nanoTime();
    SampleBatch polled = session.poll();
    ModbusEndpoint endpoint = getEndpoint();
    endpoint
        .getComponent()
        .getPollListener()
        .polled(
            endpoint.getDevice().id(),
            session.isConnected(),
            Duration.ofNanos(System.nanoTime() - started));
    if (polled.samples().isEmpty()) {
      return 0;
    }
    List<SampleBatch> batches = polled.split(endpoint.getMaxSamplesPerBatch());
    // the batches of one poll are routed together, so that their signing and the waits for the
    // outbox's commit or the broker overlap; the poll ends when all of them have been taken
    CountDownLatch routed = new CountDownLatch(batches.size());
    for (SampleBatch batch : batches) {
      emit(batch, routed);
    }
    routed.await();
    return batches.size();
  }

  private void emit(SampleBatch batch, CountDownLatch routed) {
    Exchange exchange = createExchange(false);
    exchange.getIn().setBody(batch);
    exchange.getIn().setHeader(TrustBridgeHeaders.DEVICE_ID, batch.deviceId());
    getAsyncProcessor()
        .process(
            exchange,
            doneSync -> {
              try {
                if (exchange.getException() != null) {
                  getExceptionHandler()
                      .handleException(
                          "route failed for device " + batch.deviceId(),
                          exchange,
                          exchange.getException());
                }
              } finally {
                releaseExchange(exchange, false);
                routed.countDown();
              }
            });
  }
}
