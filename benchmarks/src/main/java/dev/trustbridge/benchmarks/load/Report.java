package dev.trustbridge.benchmarks.load;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The harness's report: Markdown, one table per workload with both profiles and their ratio. */
final class Report {

  private final StringBuilder text = new StringBuilder();
  private final List<RunResult> results = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  Report(String command, LoadRun.Settings settings) {
    text.append("## Load run of ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append("\n\n")
        .append("- command: `")
        .append(command)
        .append("`\n- machine: ")
        .append(machine())
        .append("\n- Java: ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.runtime.version"))
        .append("; gateway and bare pipeline JVM options: `")
        .append(String.join(" ", settings.gatewayJvmOptions()))
        .append("`\n- each run: ")
        .append(seconds(settings.warmup()))
        .append(" warm-up after the first message, then ")
        .append(seconds(settings.measure()))
        .append(" measured; load average at the start: ")
        .append(loadAverage())
        .append("\n\n");
  }

  /** A workload's table; {@code failures} names the runs that failed, and why. */
  void add(Workload workload, List<RunResult> results, List<String> failures) {
    this.results.addAll(results);
    this.failures.addAll(failures);
    text.append("### ")
        .append(workload.name())
        .append(": ")
        .append(workload.summary())
        .append("\n\n")
        .append(
            "| profile | offered samples/s | accepted samples/s | verified samples/s | gateway"
                + " CPU-s per 100k samples | peak RSS | poll → receipt p50 / p99 / max (ms) |"
                + " polls seen / expected (late) | outbox depth start → end | vault signatures |"
                + " lost | duplicates | other failures |\n")
        .append("|---|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|\n");
    for (RunResult result : results) {
      Delivery delivery = result.delivery();
      long expectedPolls =
          Math.round(
              workload.devices()
                  * result.windowSeconds()
                  * 1000.0
                  / workload.pollInterval().toMillis());
      text.append("| ")
          .append(result.profile().label())
          .append(" | ")
          .append(number(workload.offeredSamplesPerSecond()))
          .append(" | ")
          .append(number(result.acceptedPerSecond()))
          .append(" | ")
          .append(result.profile().trusted() ? number(result.verifiedPerSecond()) : "—")
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.3f", result.cpuSecondsPer100k()))
          .append(" | ")
          .append(LoadRun.mebibytes(result.peakRssBytes()))
          .append(" | ")
          .append(percentiles(delivery.latenciesMillis()))
          .append(" | ")
          // subscribed values carry each its own source time: there is no poll to count
          .append(
              workload.protocol() == Workload.Protocol.OPCUA
                  ? "—"
                  : delivery.pollsObserved()
                      + " / "
                      + expectedPolls
                      + " ("
                      + delivery.pollsLate()
                      + ")")
          .append(" | ")
          .append(
              result.outboxDepthStart() < 0
                  ? "—"
                  : result.outboxDepthStart() + " → " + result.outboxDepthEnd())
          .append(" | ")
          .append(result.vaultOperations() < 0 ? "—" : Long.toString(result.vaultOperations()))
          .append(" | ")
          .append(
              result.lostSamples() >= 0
                  ? number(result.lostSamples()) + " samples"
                  : delivery.missingEnvelopes() + " envelopes")
          .append(" | ")
          .append(delivery.duplicates())
          .append(" | ")
          .append(delivery.otherFailures())
          .append(" |\n");
    }
    text.append('\n');
    for (RunResult result : results) {
      List<String> lines = new ArrayList<>();
      lines.add(
          String.format(
              Locale.ROOT,
              "gateway CPU %.1f s in %.1f s (%.2f cores; JIT compiler threads %.1f s of it),"
                  + " simulator CPU %.1f s, broker and consumer CPU %.1f s; RSS at the end %s;"
                  + " first message %d ms after the JVM started",
              result.gatewayCpuSeconds(),
              result.windowSeconds(),
              result.gatewayCpuSeconds() / result.windowSeconds(),
              result.compilerCpuSeconds(),
              result.simulatorCpuSeconds(),
              result.harnessCpuSeconds(),
              LoadRun.mebibytes(result.endRssBytes()),
              result.timeToFirstPublishMillis()));
      if (!result.commandMillis().isEmpty()) {
        lines.add(
            "command → signed result p50 / p99 / max: "
                + percentiles(result.commandMillis())
                + " ms");
      }
      for (Map.Entry<String, String> note : result.notes().entrySet()) {
        lines.add(note.getKey() + ": " + note.getValue());
      }
      if (!result.delivery().failures().isEmpty()) {
        lines.add("verifier outcomes other than Verified: " + result.delivery().failures());
      }
      lines.add("processes: " + String.join("; ", result.processes()));
      text.append("- **")
          .append(result.profile().label())
          .append("**: ")
          .append(String.join("; ", lines))
          .append('\n');
    }
    for (String failure : failures) {
      text.append("- **run failed**, ").append(failure).append('\n');
    }
    Optional<RunResult> bare =
        results.stream().filter(r -> r.profile() == Profile.BARE).findFirst();
    if (bare.isPresent() && bare.get().delivery().acceptedSamples() > 0) {
      text.append('\n');
      for (RunResult trusted : results) {
        if (trusted.profile().trusted()) {
          text.append(trusted.profile().label())
              .append(" / bare gateway CPU per sample: **")
              .append(
                  String.format(
                      Locale.ROOT,
                      "%.2f",
                      trusted.cpuSecondsPer100k() / bare.get().cpuSecondsPer100k()))
              .append("**\n");
        }
      }
    }
    text.append('\n');
  }

  void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, text);
  }

  /** The runs that failed so far, each with its profile and reason. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  /** Every run added so far, in order. */
  List<RunResult> results() {
    return List.copyOf(results);
  }

  String text() {
    return text.toString();
  }

  static String percentiles(List<Double> values) {
    if (values.isEmpty()) {
      return "—";
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return String.format(
        Locale.ROOT,
        "%.0f / %.0f / %.0f",
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.get(sorted.size() - 1));
  }

  private static double percentile(List<Double> sorted, double p) {
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String seconds(Duration duration) {
    return duration.toSeconds() + " s";
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(line -> line.startsWith("model name"))
              .findFirst()
              .map(line -> line.substring(line.indexOf(':') + 1).strip())
              .orElse(cpu);
    } catch (IOException e) {
      // not Linux: the report says so
    }
    long memory =
        ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    return String.format(
        Locale.ROOT,
        "%d × %s, %.0f GiB, %s %s",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        memory / 1073741824.0,
        System.getProperty("os.name"),
        System.getProperty("os.version"));
  }

  static String loadAverage() {
    return String.format(
        Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
