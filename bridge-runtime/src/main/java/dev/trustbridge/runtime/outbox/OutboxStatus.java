package dev.trustbridge.runtime.outbox;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one uplink's outbox holds and has done, for {@code trustbridge outbox status} and metrics.
 *
 * @param uplink the uplink id
 * @param depth envelopes waiting for their PUBACK
 * @param bytes what they take in the store, encrypted
 * @param oldestAge how long the oldest has waited; empty when nothing waits
 * @param delivered envelopes acknowledged by the broker since the store was created
 * @param dropped envelopes dropped by reason ({@code full}, {@code expired}, {@code disk-full})
 * @param tamperRejected records that failed authentication and were quarantined, never sent
 */
public record OutboxStatus(
    String uplink,
    long depth,
    long bytes,
    Optional<Duration> oldestAge,
    long delivered,
    Map<String, Long> dropped,
    long tamperRejected) {

  public OutboxStatus {
    Objects.requireNonNull(uplink, "uplink");
    Objects.requireNonNull(oldestAge, "oldestAge");
    dropped = Map.copyOf(dropped);
  }

  /** Envelopes dropped for any reason. */
  public long droppedTotal() {
    return dropped.values().stream().mapToLong(Long::longValue).sum();
  }
}
