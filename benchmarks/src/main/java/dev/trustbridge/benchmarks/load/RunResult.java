package dev.trustbridge.benchmarks.load;

import java.util.List;
import java.util.Map;

/**
 * The figures of one workload under one profile.
 *
 * @param workload what ran
 * @param profile which pipeline
 * @param windowSeconds length of the measured window
 * @param delivery what reached the cloud, checked
 * @param gatewayCpuSeconds CPU time (user + system) of the gateway process in the window
 * @param compilerCpuSeconds the part of it its JIT compiler threads used
 * @param simulatorCpuSeconds CPU time of the simulator process in the window
 * @param harnessCpuSeconds CPU time of the harness in the window: the broker and the consumer
 * @param peakRssBytes the gateway's largest resident set over the whole run ({@code VmHWM})
 * @param endRssBytes its resident set at the end of the window
 * @param timeToFirstPublishMillis from starting the gateway's JVM to the first message received
 * @param outboxDepthStart envelopes waiting in the outbox at the start of the window; -1 without
 *     one
 * @param outboxDepthEnd the same at the end
 * @param vaultOperations signatures of the identity key over the run; -1 when not counted
 * @param lostSamples samples handed to the uplink but never received (bare pipeline); -1 when the
 *     envelopes' sequence numbers tell instead
 * @param commandMillis round trips of commands answered {@code done}, ctrl-writeback only
 * @param notes further figures of the workload, in order
 * @param processes what ran, with process ids, for the report
 */
record RunResult(
    Workload workload,
    Profile profile,
    double windowSeconds,
    Delivery delivery,
    double gatewayCpuSeconds,
    double compilerCpuSeconds,
    double simulatorCpuSeconds,
    double harnessCpuSeconds,
    long peakRssBytes,
    long endRssBytes,
    long timeToFirstPublishMillis,
    long outboxDepthStart,
    long outboxDepthEnd,
    long vaultOperations,
    long lostSamples,
    List<Double> commandMillis,
    Map<String, String> notes,
    List<String> processes) {

  double acceptedPerSecond() {
    return delivery.acceptedSamples() / windowSeconds;
  }

  double verifiedPerSecond() {
    return delivery.verifiedSamples() / windowSeconds;
  }

  /** Gateway CPU seconds per 100,000 samples, which is also cores per 100,000 samples/s. */
  double cpuSecondsPer100k() {
    return delivery.acceptedSamples() == 0
        ? Double.NaN
        : gatewayCpuSeconds / (delivery.acceptedSamples() / 100_000.0);
  }
}
