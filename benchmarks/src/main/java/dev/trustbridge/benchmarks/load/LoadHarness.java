package dev.trustbridge.benchmarks.load;

import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.pki.DevelopmentPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end load harness: for each workload, the bare pipeline and the gateway back to back,
 * each as its own JVM against Modbus simulator processes and a broker with mutual TLS, with the
 * cloud consumer verifying what arrives; writes a Markdown report.
 */
@Command(
    name = "benchmarks/run load",
    mixinStandardHelpOptions = true,
    description = "Measures the gateway end to end against the bare pipeline.")
public final class LoadHarness implements Callable<Integer> {

  @Option(
      names = "--workloads",
      split = ",",
      paramLabel = "NAME",
      description =
          "Workloads to run (default: all but the smoke runs): mb-poll-100k, mb-poll-fast,"
              + " ua-sub-100k, scale, ctrl-writeback, store-forward, footprint, smoke, ua-smoke.")
  private List<String> workloads = Workload.standardNames();

  @Option(
      names = "--profiles",
      split = ",",
      paramLabel = "NAME",
      description =
          "Profiles, run back to back per workload: bare, full, full-softhsm2 (default: bare,full,"
              + " and full-softhsm2 when the trust rig of scripts/trust-rig.sh is set up).")
  private List<String> profiles = Profile.defaults();

  @Option(
      names = "--warmup",
      description =
          "Polling before the window (default: PT2M, by when the gateway's JIT compiler has"
              + " mostly settled; the report shows what it still used in the window).")
  private Duration warmup = Duration.ofMinutes(2);

  @Option(names = "--measure", description = "The measured window (default: PT30S).")
  private Duration measure = Duration.ofSeconds(30);

  @Option(
      names = "--outage",
      description = "How long store-forward stops the broker (default: PT10M).")
  private Duration outage = Duration.ofMinutes(10);

  @Option(
      names = "--gateway-jvm",
      split = " ",
      paramLabel = "OPTIONS",
      description =
          "JVM options of the gateway and the bare pipeline, space separated (default:"
              + " -Xms64m -Xmx192m -XX:+UseSerialGC).")
  private List<String> gatewayJvm = List.of("-Xms64m", "-Xmx192m", "-XX:+UseSerialGC");

  @Option(
      names = "--jfr",
      description = "Record the window of the gateway's profiles with JDK Flight Recorder.")
  private boolean flightRecording;

  @Option(
      names = "--work",
      description = "Directory of the runs' files and logs (default: benchmarks/target/load).")
  private Path work = Path.of("benchmarks", "target", "load");

  @Option(names = "--report", description = "Markdown report file (default: <work>/report.md).")
  private Path reportFile;

  private String commandLine = "";

  public static void main(String[] args) {
    LoadHarness harness = new LoadHarness();
    harness.commandLine = "benchmarks/run load " + String.join(" ", args);
    System.exit(new CommandLine(harness).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Report report = runAll();
    System.out.println(report.text());
    System.out.println("report: " + reportFile());
    return 0;
  }

  /** Runs every selected workload under every profile, writing the report after each workload. */
  Report runAll() throws Exception {
    List<Workload> selected = Workload.named(workloads);
    List<Profile> order = profiles.stream().map(Profile::of).toList();
    Path directory = work.toAbsolutePath();
    LoadRun.Settings settings =
        new LoadRun.Settings(warmup, measure, outage, gatewayJvm, flightRecording, directory);
    Report report = new Report(commandLine, settings);
    DevelopmentPki pki = DevelopmentPki.openOrCreate(directory.resolve("pki"));
    try (EmbeddedBroker broker =
        EmbeddedBroker.builder(pki)
            .workDirectory(directory.resolve("broker"))
            .maxQueuedMessages(1_000_000)
            .build()) {
      broker.start();
      LoadRun runs = new LoadRun(settings, pki, broker);
      int number = 1;
      for (Workload workload : selected) {
        List<RunResult> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Profile profile : order) {
          RunResult result;
          try {
            result = runs.run(workload, profile, number++);
          } catch (Exception e) {
            // one failed run must not cost the others of a long invocation: reported, not hidden
            failures.add(profile.label() + ": " + e.getMessage());
            System.out.printf("%s %s failed: %s%n", workload.name(), profile.label(), e);
            continue;
          }
          results.add(result);
          System.out.printf(
              "%s %s: %,.0f samples/s accepted, %.3f CPU-s per 100k, peak RSS %s%n",
              workload.name(),
              profile.label(),
              result.acceptedPerSecond(),
              result.cpuSecondsPer100k(),
              LoadRun.mebibytes(result.peakRssBytes()));
        }
        report.add(workload, results, failures);
        report.write(reportFile());
      }
    }
    return report;
  }

  private Path reportFile() {
    return reportFile != null ? reportFile : work.toAbsolutePath().resolve("report.md");
  }
}
