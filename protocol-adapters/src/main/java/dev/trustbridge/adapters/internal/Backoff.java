package dev.trustbridge.adapters.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter: the n-th consecutive failure waits a random time between
 * half and all of {@code min(max, initial × 2^n)}, so that many devices that fail together do not
 * retry in lockstep.
 */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;
  private int failures;

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "reconnect delays need 0 < initial <= max, got initial=" + initial + " max=" + max);
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The wait before the next attempt after one more failure. */
  public Duration nextDelay() {
    long cap = max.toMillis();
    long ceiling = Math.min(cap, initial.toMillis() << Math.min(failures, 30));
    failures++;
    long floor = ceiling / 2;
    return Duration.ofMillis(floor + random.nextLong(ceiling - floor + 1));
  }

  /** Forgets the failures after a success. */
  public void reset() {
    failures = 0;
  }
}
