package dev.trustbridge.adapters.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void consecutiveFailures_doubleUpToCap_withJitterInUpperHalf() {
    Backoff backoff =
        new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), new SplittableRandom(7));
    long[] ceilings = {100, 200, 400, 800, 1000, 1000};

    for (long ceiling : ceilings) {
      assertThat(backoff.nextDelay().toMillis()).isBetween(ceiling / 2, ceiling);
    }
  }

  @Test
  void reset_startsAgainFromInitialDelay() {
    Backoff backoff =
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), new SplittableRandom(1));
    for (int i = 0; i < 10; i++) {
      backoff.nextDelay();
    }

    backoff.reset();

    assertThat(backoff.nextDelay().toMillis()).isBetween(50L, 100L);
  }

  @Test
  void manyFailures_stayAtCapWithoutOverflow() {
    Backoff backoff =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(3));
    for (int i = 0; i < 5; i++) {
      backoff.nextDelay();
    }

    for (int i = 0; i < 100; i++) {
      assertThat(backoff.nextDelay()).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    }
  }

  @Test
  void maxBelowInitial_isRefused() {
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), new SplittableRandom()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
