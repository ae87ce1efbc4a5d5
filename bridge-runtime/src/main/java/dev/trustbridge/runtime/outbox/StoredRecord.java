package dev.trustbridge.runtime.outbox;

import dev.trustbridge.trust.envelope.DroppedEnvelopes;
import java.util.Optional;

/**
 * One envelope as the outbox keeps it: encrypted, with what its associated data binds it to.
 *
 * @param id the record's place in the store, increasing with every append
 * @param acceptedMs when the outbox accepted it, in epoch milliseconds
 * @param notice for a drop notice, the range it announces
 */
record StoredRecord(
    long id,
    String uplink,
    String device,
    long seq,
    String topic,
    long acceptedMs,
    byte[] nonce,
    byte[] ciphertext,
    Optional<DroppedEnvelopes> notice) {

  /** What the record counts against its outbox's bound. */
  long size() {
    return ciphertext.length + topic.length() + OutboxStore.ROW_OVERHEAD;
  }

  /** What settling the record after its publish needs: not its ciphertext. */
  Sent sent() {
    return new Sent(id, uplink, size());
  }

  /**
   * A record handed to the broker, awaiting its PUBACK.
   *
   * @param id the record's place in the store
   * @param uplink its uplink
   * @param size what it counts against the outbox's bound
   */
  record Sent(long id, String uplink, long size) {}

  /**
   * A record just committed, with its envelope in the clear, handed to the forwarder without being
   * read back from the store.
   *
   * @param sent what settling it after its publish needs
   * @param topic where it is published
   * @param envelope the envelope's bytes
   */
  record Fresh(Sent sent, String topic, byte[] envelope) {}
}
