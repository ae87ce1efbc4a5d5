package dev.trustbridge.adapters.mqtt;

import dev.trustbridge.adapters.SampleBatch;
import java.util.concurrent.CompletionStage;

/**
 * The durable queue in front of one uplink. When an uplink has one, the {@code mqtt:} producer
 * hands it every {@link SampleBatch} it would publish at QoS 1 without retain, and the exchange
 * completes once the outbox has accepted the batch, not when the broker has it; the outbox forwards
 * what it holds through the uplink's {@link UplinkPublisher} and forgets each message only on its
 * PUBACK.
 */
public interface Outbox {

  /**
   * Takes a batch to be published on {@code topic}.
   *
   * @return completes once the batch is durably accepted; fails if it cannot be (the outbox is full
   *     and drops new batches, or is stopped)
   */
  CompletionStage<Void> accept(SampleBatch batch, String topic);

  /** Starts forwarding; called by the component once the uplink has started. */
  void start(UplinkPublisher publisher);

  /** Stops forwarding; what is not acknowledged stays stored. Called before the uplink stops. */
  void stop();
}
