package dev.trustbridge.trust.envelope.internal;

import dev.trustbridge.trust.envelope.StreamId;
import dev.trustbridge.trust.envelope.VerificationResult.Failure;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows the continuity of each stream from authentic envelopes: the newest sequence number and,
 * for the last {@value #WINDOW} numbers, each envelope's hash and {@code prev}.
 */
final class StreamTracker {

  /** How many sequence numbers per stream are remembered. */
  static final int WINDOW = 128;

  private final Map<StreamId, Stream> streams = new ConcurrentHashMap<>();

  /**
   * Where an envelope stands in its stream.
   *
   * @param failure {@code null} if it is the next one
   * @param missing for a gap, how many numbers were skipped
   */
  record Step(Failure failure, String detail, long missing) {
    static final Step NEXT = new Step(null, "in order", 0);
  }

  /** Records an authentic envelope and says where it stands. */
  Step accept(StreamId id, long seq, String prev, String hash) {
    Stream stream = streams.computeIfAbsent(id, ignored -> new Stream());
    synchronized (stream) {
      return stream.accept(seq, prev, hash);
    }
  }

  private static final class Stream {
    private final long[] seqs = new long[WINDOW];
    private final String[] hashes = new String[WINDOW];
    private final String[] prevs = new String[WINDOW];
    private long newest;

    Step accept(long seq, String prev, String hash) {
      if (newest == 0) {
        // the verifier joins the stream here
        remember(seq, prev, hash);
        newest = seq;
        return Step.NEXT;
      }
      if (seq == newest + 1) {
        String expected = hashAt(newest);
        if (!Objects.equals(prev, expected)) {
          return new Step(
              Failure.FORK,
              "seq " + seq + " links to " + prev + ", but seq " + newest + " has hash " + expected,
              0);
        }
        remember(seq, prev, hash);
        newest = seq;
        return Step.NEXT;
      }
      if (seq > newest) {
        long missing = seq - newest - 1;
        String detail = missing + " envelope(s) missing between seq " + newest + " and " + seq;
        remember(seq, prev, hash);
        newest = seq;
        return new Step(Failure.GAP, detail, missing);
      }
      if (seq <= newest - WINDOW) {
        return new Step(
            Failure.REPLAY,
            "seq " + seq + " is older than the last " + WINDOW + " of newest seq " + newest,
            0);
      }
      String seen = hashAt(seq);
      if (seen != null) {
        if (!seen.equals(hash)) {
          return new Step(
              Failure.FORK,
              "seq " + seq + " was seen before with hash " + seen + ", now " + hash,
              0);
        }
        // byte for byte what was seen: QoS 1 redelivers after a lost PUBACK or a reconnect
        return new Step(
            Failure.DUPLICATE,
            seq == newest
                ? "seq " + seq + " again, the newest envelope"
                : "seq " + seq + " again, newest is " + newest,
            0);
      }
      String before = hashAt(seq - 1);
      if (before != null && !before.equals(prev)) {
        return new Step(
            Failure.FORK,
            "late seq "
                + seq
                + " links to "
                + prev
                + ", but seq "
                + (seq - 1)
                + " has hash "
                + before,
            0);
      }
      String linkOfNext = prevAt(seq + 1);
      if (linkOfNext != null && !linkOfNext.equals(hash)) {
        return new Step(
            Failure.FORK,
            "late seq "
                + seq
                + " has hash "
                + hash
                + ", but seq "
                + (seq + 1)
                + " links to "
                + linkOfNext,
            0);
      }
      remember(seq, prev, hash);
      return new Step(Failure.REORDER, "seq " + seq + " arrived after seq " + newest, 0);
    }

    private void remember(long seq, String prev, String hash) {
      int slot = slot(seq);
      seqs[slot] = seq;
      hashes[slot] = hash;
      prevs[slot] = prev;
    }

    private String hashAt(long seq) {
      int slot = slot(seq);
      return seq > 0 && seqs[slot] == seq ? hashes[slot] : null;
    }

    private String prevAt(long seq) {
      int slot = slot(seq);
      return seq > 0 && seqs[slot] == seq ? prevs[slot] : null;
    }

    private static int slot(long seq) {
      return (int) Math.floorMod(seq, (long) WINDOW);
    }
  }
}
