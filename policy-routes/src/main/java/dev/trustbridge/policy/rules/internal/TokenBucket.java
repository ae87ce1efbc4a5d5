package dev.trustbridge.policy.rules.internal;

import dev.trustbridge.policy.rules.RateLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** One token bucket; starts full. */
public final class TokenBucket {

  private final RateLimit limit;
  private final Clock clock;
  private double tokens;
  private Instant refilled;

  public TokenBucket(RateLimit limit, Clock clock) {
    this.limit = limit;
    this.clock = clock;
    this.tokens = limit.burst();
    this.refilled = clock.instant();
  }

  /** Takes a token if one is left. */
  public synchronized boolean tryTake() {
    Instant now = clock.instant();
    if (now.isAfter(refilled)) {
      double seconds = Duration.between(refilled, now).toNanos() / 1e9;
      tokens = Math.min(limit.burst(), tokens + seconds * limit.perSecond());
      refilled = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
