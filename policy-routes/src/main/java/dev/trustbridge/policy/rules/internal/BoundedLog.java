package dev.trustbridge.policy.rules.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs at most one line per key and interval, and says how many were held back since, so that a
 * flood of denials cannot flood the log.
 */
public final class BoundedLog {

  private static final class Slot {
    Instant next = Instant.MIN;
    long suppressed;
  }

  private final Logger log;
  private final Duration interval;
  private final Clock clock;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();

  public BoundedLog(Logger log, Duration interval, Clock clock) {
    this.log = log;
    this.interval = interval;
    this.clock = clock;
  }

  /**
   * Logs {@code line} at WARN unless a line of the same key was logged within the interval.
   *
   * @param line key=value pairs, without the {@code suppressed} count, which is appended
   */
  public void warn(String key, String line) {
    Slot slot = slots.computeIfAbsent(key, k -> new Slot());
    long held;
    synchronized (slot) {
      Instant now = clock.instant();
      if (now.isBefore(slot.next)) {
        slot.suppressed++;
        return;
      }
      held = slot.suppressed;
      slot.suppressed = 0;
      slot.next = now.plus(interval);
    }
    log.warn("{} suppressed={}", line, held);
  }
}
