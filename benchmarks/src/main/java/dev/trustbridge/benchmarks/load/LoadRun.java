package dev.trustbridge.benchmarks.load;

import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.pki.DevelopmentPki;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workload under one profile, start to end: the simulator processes, the gateway (or the bare
 * pipeline) as its own JVM, a fresh cloud consumer; warm-up, the measured window with the
 * workload's own actions, then the check of everything received.
 */
final class LoadRun {

  private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  /** How often the harness scrapes the gateway's metrics, as a Prometheus server would. */
  private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(15);

  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(30);
  private static final int COMMANDS_PER_SECOND = 5;

  /**
   * How runs are made.
   *
   * @param warmup polling before the window
   * @param measure the window
   * @param outage how long store-forward keeps the broker stopped
   * @param gatewayJvmOptions the JVM options of the gateway and of the bare pipeline
   * @param flightRecording whether the full profile's window is recorded with JFR
   * @param workDirectory where each run's files, logs and recordings go
   */
  record Settings(
      Duration warmup,
      Duration measure,
      Duration outage,
      List<String> gatewayJvmOptions,
      boolean flightRecording,
      Path workDirectory) {}

  private final Settings settings;
  private final DevelopmentPki pki;
  private final EmbeddedBroker broker;
  private final GatewayVaults vaults;
  private final HttpClient http = HttpClient.newHttpClient();

  LoadRun(Settings settings, DevelopmentPki pki, EmbeddedBroker broker) {
    this.settings = settings;
    this.pki = pki;
    this.broker = broker;
    this.vaults = new GatewayVaults(pki);
  }

  RunResult run(Workload workload, Profile profile, int number) throws Exception {
    Path directory =
        settings
            .workDirectory()
            .resolve(String.format("%02d-%s-%s", number, workload.name(), profile.label()));
    LOG.info("run={} workload={} profile={}", number, workload.name(), profile.label());
    String vault = vaults.section(profile);
    try (SimulatedPlant plant = SimulatedPlant.start(workload, directory, READY_TIMEOUT)) {
      int observePort = freePort();
      Path config =
          PlantFiles.writeGatewayConfig(
              directory.resolve("config"),
              workload,
              plant.peers(),
              vault,
              pki,
              broker.tlsPort(),
              observePort);
      try (CloudConsumer consumer =
          CloudConsumer.connect(pki, broker, "cloud-" + number, profile.trusted())) {
        JavaProcess gateway = startGateway(profile, config, directory);
        try {
          return measure(workload, profile, plant, gateway, consumer, observePort);
        } finally {
          gateway.close();
        }
      }
    }
  }

  private RunResult measure(
      Workload workload,
      Profile profile,
      SimulatedPlant plant,
      JavaProcess gateway,
      CloudConsumer consumer,
      int observePort)
      throws Exception {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (consumer.firstReceivedMillis() < 0) {
      gateway.checkAlive();
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            gateway.name() + " published nothing in " + READY_TIMEOUT + ":\n" + gateway.tail(20));
      }
      Thread.sleep(20);
    }
    long firstPublish = consumer.firstReceivedMillis() - gateway.started().toEpochMilli();
    // as a Prometheus server does, all along: the first scrape's compilation falls in the warm-up,
    // and the steady cost of being scraped in the window
    ScheduledExecutorService scraper =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "metrics-scraper");
              thread.setDaemon(true);
              return thread;
            });
    if (profile.trusted()) {
      scraper.scheduleWithFixedDelay(
          () -> scrapeQuietly(observePort), 0, SCRAPE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (workload.kind() == Workload.Kind.WRITEBACK && profile.trusted()) {
      // the command path warms up as the telemetry path does; these commands are not counted
      new CommandDriver(pki, consumer, PlantFiles.deviceIds(workload))
          .run(COMMANDS_PER_SECOND, Instant.now().plus(settings.warmup()));
    } else {
      Thread.sleep(settings.warmup().toMillis());
    }
    gateway.checkAlive();

    Map<String, String> notes = new LinkedHashMap<>();
    List<Double> commandMillis = List.of();
    long depthStart = outboxDepth(profile, observePort);
    double gatewayCpuStart = seconds(gateway.cpuTime());
    double compilerCpuStart = seconds(gateway.compilerCpuTime());
    double simulatorCpuStart = seconds(plant.cpuTime());
    long harness = ProcessHandle.current().pid();
    double harnessCpuStart = seconds(JavaProcess.cpuTimeOf(harness));
    long from = System.currentTimeMillis();
    switch (workload.kind()) {
      case WRITEBACK -> {
        if (profile == Profile.BARE) {
          // the bare pipeline takes no commands: it only carries the same telemetry
          notes.put("commands", "none: the bare pipeline has no command path");
          Thread.sleep(settings.measure().toMillis());
          break;
        }
        CommandDriver driver = new CommandDriver(pki, consumer, PlantFiles.deviceIds(workload));
        driver.run(COMMANDS_PER_SECOND, Instant.now().plus(settings.measure()));
        Thread.sleep(2_000);
        CommandDriver.Outcome outcome = driver.outcome();
        commandMillis = outcome.doneMillis();
        notes.put("commands sent", Integer.toString(outcome.sent()));
        notes.put("commands done", Integer.toString(outcome.doneMillis().size()));
        notes.put("commands refused or failed", Integer.toString(outcome.refusedOrFailed()));
        notes.put("commands unanswered", Integer.toString(outcome.unanswered()));
        notes.put(
            "slowest commands (sent UTC, device, round trip)",
            String.join(", ", outcome.slowest()));
      }
      case STORE_FORWARD -> storeAndForward(profile, gateway, consumer, observePort, notes);
      default -> Thread.sleep(settings.measure().toMillis());
    }
    long to = System.currentTimeMillis();
    double gatewayCpu = seconds(gateway.cpuTime()) - gatewayCpuStart;
    double compilerCpu = seconds(gateway.compilerCpuTime()) - compilerCpuStart;
    double simulatorCpu = seconds(plant.cpuTime()) - simulatorCpuStart;
    double harnessCpu = seconds(JavaProcess.cpuTimeOf(harness)) - harnessCpuStart;
    long depthEnd = outboxDepth(profile, observePort);
    long vaultOperations =
        profile.trusted()
            ? (long) metric(observePort, "trustbridge_vault_operation_seconds_count")
            : -1;
    long endRss = gateway.residentBytes();
    long peakRss = gateway.peakResidentBytes();
    scraper.shutdownNow();
    gateway.close();
    long lost = -1;
    if (profile == Profile.BARE) {
      lost = encodedSamples(gateway);
    }
    List<CloudConsumer.Received> received = consumer.received();
    Delivery delivery =
        Delivery.check(
            received,
            profile.trusted(),
            List.of(pki.caCertificate()),
            from,
            to,
            workload.pollInterval());
    if (lost >= 0) {
      lost = Math.max(0, lost - delivery.receivedSamples());
    }
    List<String> processes =
        List.of(
            plant.describe(),
            gateway.name() + " pid " + gateway.pid(),
            "broker and consumer: the harness, pid " + ProcessHandle.current().pid());
    return new RunResult(
        workload,
        profile,
        (to - from) / 1000.0,
        delivery,
        gatewayCpu,
        compilerCpu,
        simulatorCpu,
        harnessCpu,
        peakRss,
        endRss,
        firstPublish,
        depthStart,
        depthEnd,
        vaultOperations,
        lost,
        commandMillis,
        notes,
        processes);
  }

  /**
   * Stops the broker for the outage, sampling the gateway's memory, then starts it again and waits
   * until the backlog has drained (the outbox is empty) or, for the bare pipeline, until it
   * delivers again and then for one window.
   */
  private void storeAndForward(
      Profile profile,
      JavaProcess gateway,
      CloudConsumer consumer,
      int observePort,
      Map<String, String> notes)
      throws Exception {
    AtomicLong outageRss = new AtomicLong();
    broker.stop();
    Instant outageEnd = Instant.now().plus(settings.outage());
    long depthBefore = outboxDepth(profile, observePort);
    while (Instant.now().isBefore(outageEnd)) {
      outageRss.accumulateAndGet(gateway.residentBytes(), Math::max);
      Thread.sleep(1_000);
    }
    long backlog = outboxDepth(profile, observePort);
    int receivedBefore = consumer.receivedCount();
    broker.start();
    long restarted = System.nanoTime();
    notes.put("outage", settings.outage().toString().substring(2).toLowerCase());
    notes.put("largest RSS during the outage", mebibytes(outageRss.get()));
    // the uplink reconnects on its own backoff, which may have grown long over the outage
    Instant deadline = Instant.now().plus(DRAIN_TIMEOUT);
    while (consumer.receivedCount() == receivedBefore && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    notes.put(
        "delivering again after the restart",
        consumer.receivedCount() > receivedBefore
            ? String.format("%.1f s", (System.nanoTime() - restarted) / 1e9)
            : "not within " + DRAIN_TIMEOUT.toString().substring(2).toLowerCase());
    if (profile.trusted()) {
      long grown = backlog - Math.max(0, depthBefore);
      notes.put("backlog at restart (envelopes)", Long.toString(backlog));
      while (outboxDepth(profile, observePort) > 0 && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      double drainSeconds = (System.nanoTime() - restarted) / 1e9;
      double deliveredPerSecond = (consumer.receivedCount() - receivedBefore) / drainSeconds;
      double ingestPerSecond = grown / (settings.outage().toMillis() / 1000.0);
      notes.put("drain time", String.format("%.1f s", drainSeconds));
      notes.put(
          "delivery while draining ÷ ingest (envelopes/s)",
          String.format(
              "%.0f ÷ %.0f = %.1f",
              deliveredPerSecond, ingestPerSecond, deliveredPerSecond / ingestPerSecond));
    } else {
      // the bare pipeline kept nothing over the outage: it is watched for one window once it
      // delivers again
      Thread.sleep(settings.measure().toMillis());
    }
  }

  private JavaProcess startGateway(Profile profile, Path config, Path directory)
      throws IOException {
    List<String> jvm = new ArrayList<>(settings.gatewayJvmOptions());
    if (profile.trusted() && settings.flightRecording()) {
      jvm.add(
          "-XX:StartFlightRecording=settings=profile,delay="
              + settings.warmup().toSeconds()
              + "s,duration="
              + settings.measure().toSeconds()
              + "s,filename="
              + directory.resolve("gateway.jfr"));
    }
    return profile.trusted()
        ? JavaProcess.start(
            "gateway (trustbridge run)",
            jvm,
            "dev.trustbridge.runtime.cli.TrustBridgeCli",
            List.of("run", "--config", config.toString()),
            directory.resolve("gateway.log"))
        : JavaProcess.start(
            "bare pipeline",
            jvm,
            BarePipeline.class.getName(),
            List.of(config.toString()),
            directory.resolve("gateway.log"));
  }

  private static long encodedSamples(JavaProcess bare) {
    return bare.output().stream()
        .filter(line -> line.startsWith("bare-pipeline encodedSamples="))
        .mapToLong(line -> Long.parseLong(line.substring(line.indexOf('=') + 1).strip()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("the bare pipeline did not report its count"));
  }

  private void scrapeQuietly(int port) {
    try {
      metric(port, "trustbridge_outbox_depth");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long outboxDepth(Profile profile, int port) throws InterruptedException {
    return profile.trusted() ? (long) metric(port, "trustbridge_outbox_depth") : -1;
  }

  /**
   * The sum of a metric's samples in the gateway's Prometheus scrape; -1 when it cannot be read.
   */
  private double metric(int port, String name) throws InterruptedException {
    String scrape;
    try {
      scrape =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                      .timeout(Duration.ofSeconds(60))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    } catch (IOException e) {
      // an overloaded gateway may not answer in time: the figure is missing, the run goes on
      LOG.warn("gateway metrics not scraped port={} error={}", port, e.toString());
      return -1;
    }
    return scrape
        .lines()
        .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  static String mebibytes(long bytes) {
    return String.format("%.0f MiB", bytes / 1048576.0);
  }
}
