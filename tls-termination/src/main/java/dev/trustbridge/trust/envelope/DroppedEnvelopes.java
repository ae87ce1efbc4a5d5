package dev.trustbridge.trust.envelope;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a drop notice says: the gateway signed envelopes of this stream but dropped them before they
 * left it, so a verifier can tell a gap the gateway owns up to, and why, from a loss on the way.
 *
 * @param fromSeq the first dropped sequence number
 * @param toSeq the last dropped sequence number
 * @param count how many envelopes in that range were dropped (fewer than the range when some of its
 *     numbers went to another uplink)
 * @param reason why: {@code full} (the outbox was full), {@code expired} (older than the outbox's
 *     maximum age), or another lower-case word
 */
public record DroppedEnvelopes(long fromSeq, long toSeq, long count, String reason) {

  private static final Pattern REASON = Pattern.compile("[a-z][a-z-]{0,31}");

  public DroppedEnvelopes {
    Objects.requireNonNull(reason, "reason");
    if (fromSeq < 1 || toSeq < fromSeq) {
      throw new IllegalArgumentException(
          "dropped range " + fromSeq + ".." + toSeq + " is not a range of sequence numbers");
    }
    if (count < 1 || count > toSeq - fromSeq + 1) {
      throw new IllegalArgumentException(
          "dropped count " + count + " does not fit the range " + fromSeq + ".." + toSeq);
    }
    if (!REASON.matcher(reason).matches()) {
      throw new IllegalArgumentException(
          "drop reason '" + reason + "' is not a lower-case word of at most 32 characters");
    }
  }
}
