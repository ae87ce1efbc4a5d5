package dev.trustbridge.runtime.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.runtime.outbox.OutboxStore.Account;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Envelopes just committed are handed to the forwarder from memory, and only while memory holds
 * every record it has not taken; otherwise it reads the store.
 */
class OutboxFreshRecordsTest {

  private static final String UPLINK = "cloud";

  @Test
  void recordsCommittedAfterTheOpen_areTakenFromMemoryInOrder_onlyThoseAfterTheCursor() {
    Account account = committed(10, 11, 12, 13);

    assertThat(account.takeFresh(9, 10))
        .as("record 10 was stored before the open: only the store has it")
        .isNull();
    assertThat(ids(account.takeFresh(10, 2))).containsExactly(11L, 12L);
    assertThat(ids(account.takeFresh(12, 10))).containsExactly(13L);
    assertThat(account.takeFresh(13, 10)).isEmpty();
  }

  @Test
  void recordsTakenAndNotAcknowledged_areReadFromTheStoreAgain() {
    Account account = committed(0, 1, 2, 3);
    assertThat(ids(account.takeFresh(0, 10))).containsExactly(1L, 2L, 3L);

    // the publish of 2 failed: the forwarder goes back to 1 and 2 and 3 must come again
    account.uncover(3);
    account.committed(fresh(4, 100));

    assertThat(account.takeFresh(1, 10)).isNull();
    assertThat(ids(account.takeFresh(3, 10))).containsExactly(4L);
  }

  @Test
  void aForwarderFarBehind_readsTheStoreUntilItPassesTheRecordsMemoryLetGo() {
    Account account = new Account(0);
    int half = (int) (OutboxStore.FRESH_MAX_BYTES / 2);
    account.committed(fresh(1, half));
    account.committed(fresh(2, half));
    account.committed(fresh(3, half));
    account.committed(fresh(4, 100));

    assertThat(account.takeFresh(0, 10)).as("memory let 1 to 3 go").isNull();
    assertThat(account.takeFresh(2, 10)).isNull();
    assertThat(ids(account.takeFresh(3, 10))).containsExactly(4L);
  }

  @Test
  void droppedRecords_areNotTakenFromMemory() {
    Account account = committed(0, 1, 2, 3);

    account.forget(List.of(stored(1), stored(2)));

    assertThat(ids(account.takeFresh(0, 10))).containsExactly(3L);
  }

  /** An account opened after record {@code coveredAfter}, then small records committed. */
  private static Account committed(long coveredAfter, long... ids) {
    Account account = new Account(coveredAfter);
    for (long id : ids) {
      account.committed(fresh(id, 100));
    }
    return account;
  }

  private static StoredRecord.Fresh fresh(long id, int size) {
    return new StoredRecord.Fresh(
        new StoredRecord.Sent(id, UPLINK, size), "tb/v1/s/g/d/telemetry", new byte[size]);
  }

  private static StoredRecord stored(long id) {
    return new StoredRecord(
        id, UPLINK, "plc-1", id, "t", 0, new byte[0], new byte[100], Optional.empty());
  }

  private static List<Long> ids(List<StoredRecord.Fresh> records) {
    return records.stream().map(record -> record.sent().id()).toList();
  }
}
