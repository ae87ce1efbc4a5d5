package dev.trustbridge.runtime.cli;

import dev.trustbridge.policy.verify.VerificationReport;
import dev.trustbridge.trust.envelope.StreamId;
import dev.trustbridge.trust.envelope.VerificationResult;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/** Counts verification outcomes per gateway and device, for the summary of {@code verify}. */
final class VerificationSummary {

  private final Map<String, Map<String, Long>> counts = new TreeMap<>();
  private long total;
  private long failed;

  synchronized void add(VerificationResult result) {
    String stream =
        VerificationReport.stream(result).map(VerificationSummary::name).orElse("(unreadable)");
    String outcome = VerificationReport.outcome(result);
    counts.computeIfAbsent(stream, s -> new TreeMap<>()).merge(outcome, 1L, Long::sum);
    total++;
    if (!outcome.equals(VerificationReport.VERIFIED)) {
      failed++;
    }
  }

  synchronized long total() {
    return total;
  }

  synchronized long failed() {
    return failed;
  }

  /** One line per stream: {@code site/gateway/device VERIFIED=12 GAP=1}. */
  synchronized void print(PrintWriter out) {
    out.println("summary: " + total + " envelopes, " + failed + " failed");
    counts.forEach(
        (stream, outcomes) -> {
          StringBuilder line = new StringBuilder(String.format("  %-40s", stream));
          outcomes.forEach(
              (outcome, count) -> line.append(' ').append(outcome).append('=').append(count));
          out.println(line);
        });
    out.flush();
  }

  static String name(StreamId stream) {
    return stream.site() + "/" + stream.gateway() + "/" + stream.device();
  }
}
