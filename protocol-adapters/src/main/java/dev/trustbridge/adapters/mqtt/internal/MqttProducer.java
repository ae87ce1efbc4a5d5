package dev.trustbridge.adapters.mqtt.internal;

import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.SampleBatchEncoder;
import dev.trustbridge.adapters.SampleBatchFilter;
import dev.trustbridge.adapters.TrustBridgeHeaders;
import dev.trustbridge.adapters.mqtt.MqttUplinkException;
import dev.trustbridge.adapters.mqtt.Outbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Publishes each exchange's body on its uplink and completes the exchange when the broker has it:
 * on PUBACK at QoS 1. A {@link SampleBatch} body goes through the filter, then the encoder; a batch
 * with nothing left completes without a publish. {@code byte[]} and {@code String} bodies are sent
 * as they are, if the filter admits raw bodies. When the uplink has an {@link Outbox}, an admitted
 * {@link SampleBatch} at QoS 1 without retain goes to it instead, and the exchange completes once
 * the outbox has accepted it.
 */
public final class MqttProducer extends DefaultAsyncProducer {

  private final Supplier<Uplink> uplinkSource;
  private final Supplier<Optional<Outbox>> outboxSource;
  private final TopicTemplate topic;
  private final SampleBatchEncoder encoder;
  private final SampleBatchFilter filter;
  private final int qos;
  private final boolean retain;
  private final Duration timeout;
  private Uplink uplink;
  private Optional<Outbox> outbox;

  /** {@code uplinkSource} gives the running uplink once the component has started. */
  public MqttProducer(
      Endpoint endpoint,
      Supplier<Uplink> uplinkSource,
      Supplier<Optional<Outbox>> outboxSource,
      TopicTemplate topic,
      SampleBatchEncoder encoder,
      SampleBatchFilter filter,
      int qos,
      boolean retain,
      Duration timeout) {
    super(endpoint);
    this.uplinkSource = uplinkSource;
    this.outboxSource = outboxSource;
    this.topic = topic;
    this.encoder = encoder;
    this.filter = filter;
    this.qos = qos;
    this.retain = retain;
    this.timeout = timeout;
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    uplink = uplinkSource.get();
    // only what is acknowledged can be forgotten, so only QoS 1 without retain is kept durably
    outbox = qos == 1 && !retain ? outboxSource.get() : Optional.empty();
  }

  @Override
  public boolean process(Exchange exchange, AsyncCallback callback) {
    if (outbox.isPresent() && exchange.getMessage().getBody() instanceof SampleBatch batch) {
      Optional<SampleBatch> kept = filter.admit(batch);
      if (kept.isEmpty()) {
        callback.done(true);
        return true;
      }
      return accept(outbox.get(), kept.get(), exchange, callback);
    }
    Optional<Publication> admitted;
    try {
      admitted = publication(exchange.getMessage());
    } catch (RuntimeException e) {
      // no topic for this message, a body we cannot send, or an encoder that failed on it
      exchange.setException(
          new MqttUplinkException(
              uplink.id(), "uplink '" + uplink.id() + "': " + e.getMessage(), e));
      callback.done(true);
      return true;
    }
    if (admitted.isEmpty()) {
      callback.done(true);
      return true;
    }
    CompletableFuture<Void> sent = uplink.publish(admitted.get(), timeout);
    sent.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            exchange.setException(
                error instanceof CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error);
          }
          callback.done(false);
        });
    return false;
  }

  private boolean accept(
      Outbox outbox, SampleBatch batch, Exchange exchange, AsyncCallback callback) {
    String resolved;
    try {
      resolved =
          topic.resolve(deviceOf(exchange.getMessage()).or(() -> Optional.of(batch.deviceId())));
    } catch (RuntimeException e) {
      exchange.setException(
          new MqttUplinkException(
              uplink.id(), "uplink '" + uplink.id() + "': " + e.getMessage(), e));
      callback.done(true);
      return true;
    }
    outbox
        .accept(batch, resolved)
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                exchange.setException(
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error);
              }
              callback.done(false);
            });
    return false;
  }

  private static Optional<String> deviceOf(Message message) {
    return Optional.ofNullable(message.getHeader(TrustBridgeHeaders.DEVICE_ID, String.class));
  }

  private Optional<Publication> publication(Message message) {
    Object body = message.getBody();
    Optional<String> device = deviceOf(message);
    if (body instanceof SampleBatch batch) {
      return filter
          .admit(batch)
          .map(
              admitted ->
                  new Publication(
                      topic.resolve(device.or(() -> Optional.of(admitted.deviceId()))),
                      encoder.encode(admitted),
                      qos,
                      retain,
                      Optional.of(encoder.contentType())));
    }
    if ((body instanceof byte[] || body instanceof String) && !filter.admitsRawBodies()) {
      throw new IllegalArgumentException(
          "a telemetry policy is enforced: routes publish SampleBatch bodies only, not "
              + body.getClass().getSimpleName());
    }
    if (body instanceof byte[] bytes) {
      return Optional.of(
          new Publication(topic.resolve(device), bytes, qos, retain, Optional.empty()));
    }
    if (body instanceof String text) {
      return Optional.of(
          new Publication(
              topic.resolve(device),
              text.getBytes(StandardCharsets.UTF_8),
              qos,
              retain,
              Optional.empty()));
    }
    throw new IllegalArgumentException(
        "cannot publish a body of type "
            + (body == null ? "null" : body.getClass().getName())
            + ": send a SampleBatch, byte[] or String");
  }
}
