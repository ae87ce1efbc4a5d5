package dev.trustbridge.policy.rules;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code perSecond}; each sample or
 * command takes one.
 *
 * @param perSecond tokens added per second, above zero
 * @param burst the bucket's size, at least 1
 */
public record RateLimit(double perSecond, int burst) {

  public RateLimit {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rate must be above zero, was " + perSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
  }
}
