package dev.trustbridge.runtime.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.trust.atrest.DataKey;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.Vaults;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bound on samples signed for the store and not yet committed. */
class OutboxStoreReservationTest {

  @TempDir Path state;

  @Test
  void reservationsBeyondTheBound_waitUntilCommittedOnesAreReleased() throws Exception {
    try (OutboxStore store = OutboxStore.open(state, dataKey(), Clock.systemUTC())) {
      // a batch larger than the bound takes the whole bound rather than waiting forever
      int whole = store.reserve(1_000_000);
      CompletableFuture<Integer> next =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return store.reserve(1_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException(e);
                }
              });

      assertThat(whole).isEqualTo(OutboxStore.MAX_PENDING_SAMPLES);
      assertThat(next)
          .as("a reservation while the bound is taken")
          .failsWithin(300, TimeUnit.MILLISECONDS)
          .withThrowableOfType(TimeoutException.class);

      store.release(whole);

      assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo(1_000);
      store.release(1_000);
    }
  }

  private DataKey dataKey() throws Exception {
    try (Vault vault =
        Vaults.open(
            new VaultConfig.Software(state.resolve("vault.p12"), "changeit".toCharArray()))) {
      return DataKey.open(
          state.resolve(DataKeyProtection.FILE_NAME),
          vault.keySealer(DataKeyProtection.WRAPPING_KEY_ALIAS));
    }
  }
}
