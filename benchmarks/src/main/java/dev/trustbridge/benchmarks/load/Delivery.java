package dev.trustbridge.benchmarks.load;

import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.VerificationResult;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What reached the cloud in one run, checked after the run: every envelope verified with the fleet
 * CA ({@link EnvelopeVerifier}, one per stream group, streams in order of receipt), or for the bare
 * pipeline the samples of every JSON message, counted on receipt; then the figures of the measured
 * window.
 *
 * @param acceptedSamples samples received in the window, duplicates not counted
 * @param verifiedSamples samples of envelopes in the window that verified; 0 for plain JSON
 * @param latenciesMillis poll (first sample's source time) to receipt, per message in the window
 * @param pollsObserved distinct polls made in the window (by the first sample's source time) and
 *     received, over all devices
 * @param pollsLate polls that came more than 1.5 poll intervals after the device's previous one
 * @param missingEnvelopes envelopes the verifiers found missing (gaps in sequence numbers), whole
 *     run
 * @param duplicates envelopes received again, whole run
 * @param failures envelopes that failed otherwise, by failure, whole run
 * @param receivedSamples samples received in the whole run
 */
record Delivery(
    long acceptedSamples,
    long verifiedSamples,
    List<Double> latenciesMillis,
    long pollsObserved,
    long pollsLate,
    long missingEnvelopes,
    long duplicates,
    Map<VerificationResult.Failure, Long> failures,
    long receivedSamples) {

  private static final int VERIFIER_THREADS = 2;

  /** Checks everything received; the window is {@code [fromMillis, toMillis)} of receipt. */
  static Delivery check(
      List<CloudConsumer.Received> received,
      boolean signed,
      List<X509Certificate> trustRoots,
      long fromMillis,
      long toMillis,
      Duration pollInterval)
      throws Exception {
    int[] samples = new int[received.size()];
    boolean[] verified = new boolean[received.size()];
    boolean[] duplicate = new boolean[received.size()];
    Map<VerificationResult.Failure, Long> failures =
        new EnumMap<>(VerificationResult.Failure.class);
    long missing = 0;
    if (signed) {
      // the streams of one device stay on one verifier, in order of receipt
      Map<String, List<Integer>> byDevice = new LinkedHashMap<>();
      for (int i = 0; i < received.size(); i++) {
        byDevice.computeIfAbsent(received.get(i).device(), d -> new ArrayList<>()).add(i);
      }
      List<List<Integer>> groups = new ArrayList<>();
      for (int g = 0; g < VERIFIER_THREADS; g++) {
        groups.add(new ArrayList<>());
      }
      int n = 0;
      for (List<Integer> indices : byDevice.values()) {
        groups.get(n++ % VERIFIER_THREADS).addAll(indices);
      }
      ExecutorService pool = Executors.newFixedThreadPool(VERIFIER_THREADS);
      try {
        List<Future<Outcomes>> results = new ArrayList<>();
        for (List<Integer> group : groups) {
          // each worker keeps only counts: the verified contents of a long run do not fit in memory
          results.add(
              pool.submit(
                  () -> {
                    EnvelopeVerifier verifier = EnvelopeVerifier.create(trustRoots);
                    Outcomes outcomes = new Outcomes();
                    for (int index : group) {
                      VerificationResult outcome = verifier.verify(received.get(index).message());
                      if (outcome instanceof VerificationResult.Verified ok) {
                        samples[index] = ok.content().samples().size();
                        verified[index] = true;
                      } else if (outcome instanceof VerificationResult.Failed failed) {
                        outcomes.failures.merge(failed.failure(), 1L, Long::sum);
                        outcomes.missing += failed.missing();
                        duplicate[index] = failed.failure() == VerificationResult.Failure.DUPLICATE;
                        // a gap or a late arrival is still an authentic envelope that arrived
                        if (failed.failure().authentic() && !duplicate[index]) {
                          samples[index] = failed.content().map(c -> c.samples().size()).orElse(0);
                          verified[index] = true;
                        }
                      }
                    }
                    return outcomes;
                  }));
        }
        for (Future<Outcomes> result : results) {
          Outcomes outcomes = result.get();
          outcomes.failures.forEach((failure, count) -> failures.merge(failure, count, Long::sum));
          missing += outcomes.missing;
        }
      } finally {
        pool.shutdown();
      }
    } else {
      for (int i = 0; i < received.size(); i++) {
        samples[i] = received.get(i).plainSamples();
      }
    }
    long accepted = 0;
    long verifiedSamples = 0;
    long total = 0;
    List<Double> latencies = new ArrayList<>();
    Map<String, TreeSet<Long>> polls = new LinkedHashMap<>();
    for (int i = 0; i < received.size(); i++) {
      CloudConsumer.Received message = received.get(i);
      if (!duplicate[i]) {
        total += samples[i];
      }
      // polls are counted by when they happened, deliveries by when they arrived
      if (message.polledMillis() >= fromMillis && message.polledMillis() < toMillis) {
        polls.computeIfAbsent(message.device(), d -> new TreeSet<>()).add(message.polledMillis());
      }
      if (message.receivedMillis() < fromMillis || message.receivedMillis() >= toMillis) {
        continue;
      }
      if (!duplicate[i]) {
        accepted += samples[i];
      }
      if (verified[i]) {
        verifiedSamples += samples[i];
      }
      if (message.polledMillis() >= 0) {
        latencies.add((double) (message.receivedMillis() - message.polledMillis()));
      }
    }
    long observed = 0;
    long late = 0;
    long lateAfter = pollInterval.toMillis() * 3 / 2;
    for (TreeSet<Long> times : polls.values()) {
      observed += times.size();
      Long previous = null;
      for (long time : times) {
        if (previous != null && time - previous > lateAfter) {
          late++;
        }
        previous = time;
      }
    }
    return new Delivery(
        accepted,
        verifiedSamples,
        latencies,
        observed,
        late,
        missing,
        failures.getOrDefault(VerificationResult.Failure.DUPLICATE, 0L),
        failures,
        total);
  }

  /** What one verifier found besides the per-envelope figures it writes into the shared arrays. */
  private static final class Outcomes {
    private final Map<VerificationResult.Failure, Long> failures =
        new EnumMap<>(VerificationResult.Failure.class);
    private long missing;
  }

  /** Failures other than gaps and duplicates, which are reported on their own. */
  long otherFailures() {
    return failures.entrySet().stream()
        .filter(
            e ->
                e.getKey() != VerificationResult.Failure.GAP
                    && e.getKey() != VerificationResult.Failure.DUPLICATE)
        .mapToLong(Map.Entry::getValue)
        .sum();
  }
}
