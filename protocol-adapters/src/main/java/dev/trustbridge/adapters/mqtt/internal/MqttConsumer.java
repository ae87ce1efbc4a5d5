package dev.trustbridge.adapters.mqtt.internal;

import dev.trustbridge.adapters.mqtt.MqttConstants;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/**
 * Subscribes to a topic filter on its uplink and routes each message as an exchange with a {@code
 * byte[]} body and the {@link MqttConstants} headers, one at a time in arrival order.
 */
public final class MqttConsumer extends DefaultConsumer {

  private static final long UNSUBSCRIBE_TIMEOUT_SECONDS = 5;

  private final Supplier<Uplink> uplinkSource;
  private final String filter;
  private final int qos;
  private Uplink uplink;
  private ExecutorService executor;

  /** {@code uplinkSource} gives the running uplink once the component has started. */
  public MqttConsumer(
      Endpoint endpoint,
      Processor processor,
      Supplier<Uplink> uplinkSource,
      String filter,
      int qos) {
    super(endpoint, processor);
    this.uplinkSource = uplinkSource;
    this.filter = filter;
    this.qos = qos;
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    uplink = uplinkSource.get();
    executor =
        getEndpoint()
            .getCamelContext()
            .getExecutorServiceManager()
            .newSingleThreadExecutor(this, "mqtt-consumer-" + uplink.id());
    uplink
        .subscribe(filter, qos, this::onMessage, executor)
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                getExceptionHandler().handleException(cause.getMessage(), cause);
              }
            });
  }

  @Override
  protected void doStop() throws Exception {
    // Camel also stops consumers that never started when another route fails to start
    if (uplink == null) {
      super.doStop();
      return;
    }
    try {
      uplink.unsubscribe(filter).get(UNSUBSCRIBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      getExceptionHandler()
          .handleException("uplink '" + uplink.id() + "' did not unsubscribe from " + filter, e);
    } finally {
      getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(executor);
      uplink = null;
      super.doStop();
    }
  }

  private void onMessage(ReceivedMessage received) {
    Exchange exchange = createExchange(true);
    Message message = exchange.getMessage();
    message.setBody(received.payload());
    message.setHeader(MqttConstants.TOPIC, received.topic());
    message.setHeader(MqttConstants.QOS, received.qos());
    message.setHeader(MqttConstants.RETAIN, received.retain());
    received.contentType().ifPresent(type -> message.setHeader(MqttConstants.CONTENT_TYPE, type));
    try {
      getProcessor().process(exchange);
    } catch (Exception e) {
      exchange.setException(e);
    }
    if (exchange.getException() != null) {
      getExceptionHandler()
          .handleException(
              "error routing message from topic " + received.topic(),
              exchange,
              exchange.getException());
    }
    releaseExchange(exchange, false);
  }
}
