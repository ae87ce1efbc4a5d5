package dev.trustbridge.runtime.outbox;

/**
 * One envelope as the outbox keeps it: encrypted, with what its associated data binds it to.
 *
 * @param id the record's place in the store, increasing with every append
 * @param acceptedMs when the outbox accepted it, in epoch milliseconds
 */
record StoredRecord(
    long id,
    String uplink,
    String device,
    long seq,
    String topic,
    long acceptedMs,
    byte[] nonce,
    byte[] ciphertext) {

  /** What the record counts against its outbox's bound. */
  long size() {
    return ciphertext.length + topic.length() + OutboxStore.ROW_OVERHEAD;
  }
}
