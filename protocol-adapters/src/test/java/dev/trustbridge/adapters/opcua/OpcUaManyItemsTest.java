package dev.trustbridge.adapters.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trustbridge.adapters.LogCapture;
import dev.trustbridge.adapters.Quality;
import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.sim.opcua.OpcUaScenario;
import dev.trustbridge.sim.opcua.OpcUaSimulator;
import dev.trustbridge.sim.opcua.OpcUaSimulatorExtension;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device with ten thousand variables subscribed at one second over Basic256Sha256
 * SignAndEncrypt, as each server of the load harness serves them.
 */
class OpcUaManyItemsTest {

  private static final Logger LOG = LoggerFactory.getLogger(OpcUaManyItemsTest.class);

  private static final int VARIABLES = 10_000;
  private static final int MAX_SAMPLES_PER_BATCH = 500;

  /** Variable i ramps from i by one per tick, so a value names its variable and its tick. */
  @RegisterExtension
  static final OpcUaSimulatorExtension LOAD =
      OpcUaSimulatorExtension.of(OpcUaScenario.parse(scenario(), "ten-thousand"));

  @TempDir static Path state;

  private static OpcUaApplicationIdentity gateway;

  private final Recorder recorder = new Recorder();
  private CamelContext camel;

  @BeforeAll
  static void identity() throws Exception {
    gateway =
        OpcUaApplicationIdentity.loadOrCreate(
            state, "plant-a", "gw-01", TestDataKeys.software(state));
  }

  private static String scenario() {
    StringBuilder yaml =
        new StringBuilder(
            """
            name: ten-thousand
            tick: 1s
            security:
              policies: [Basic256Sha256]
              modes: [SignAndEncrypt]
              clientCertificates: acceptAll
            nodes:
              - folder: Load
                nodes:
            """);
    for (int i = 0; i < VARIABLES; i++) {
      yaml.append("      - {variable: ")
          .append(name(i))
          .append(", type: Double, value: {ramp: {from: ")
          .append(i)
          .append(", to: ")
          .append(i + 1000)
          .append(", period: 1000s}}}\n");
    }
    return yaml.toString();
  }

  private static String name(int i) {
    return String.format("V%05d", i);
  }

  @AfterEach
  void stopCamel() {
    if (camel != null) {
      camel.stop();
    }
  }

  @Test
  void tenThousandVariables_signAndEncrypt_everyVariableEverySecondInBoundedBatches()
      throws Exception {
    OpcUaSimulator simulator = LOAD.simulator();
    List<OpcUaTag> tags =
        IntStream.range(0, VARIABLES)
            .mapToObj(i -> OpcUaTag.subscribed(name(i), simulator.nodeId("Load/" + name(i))))
            .toList();
    OpcUaDevice device =
        OpcUaDevice.builder("load", simulator.endpointUrl())
            .security(OpcUaSecurityPolicy.BASIC256_SHA256, OpcUaSecurityMode.SIGN_AND_ENCRYPT)
            .trust(
                new OpcUaServerTrust(
                    List.of(), Set.of(simulator.certificateSha256()), Optional.empty()))
            .tags(tags)
            .build();
    OpcUaComponent component = new OpcUaComponent();
    component.setApplicationIdentity(gateway);
    component.addDevice(device);
    camel = new DefaultCamelContext();
    camel.addComponent("opcua", component);
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("opcua:load?maxSamplesPerBatch=" + MAX_SAMPLES_PER_BATCH)
                .process(exchange -> recorder.add(exchange.getIn().getBody(SampleBatch.class)));
          }
        });

    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.opcua")) {
      long started = System.nanoTime();
      camel.start();
      await().atMost(Duration.ofSeconds(15)).until(() -> recorder.goodTags() == VARIABLES);
      Duration allArrived = Duration.ofNanos(System.nanoTime() - started);

      recorder.startWindow();
      long cpuBefore = processCpuNanos();
      long windowStarted = System.nanoTime();
      Thread.sleep(4_000);
      long windowNanos = System.nanoTime() - windowStarted;
      long cpu = processCpuNanos() - cpuBefore;
      Recorder.Window window = recorder.endWindow();

      LOG.info(
          "opcua many items variables={} allGoodAfterMs={} samplesPerSecond={} batches={}"
              + " largestBatch={} skippedTicks={} processCpuPercent={}",
          VARIABLES,
          allArrived.toMillis(),
          window.samples() * 1_000_000_000L / windowNanos,
          window.batches(),
          recorder.largestBatch(),
          window.skippedTicks(),
          cpu * 100 / windowNanos);
      assertThat(log.lines())
          .noneMatch(line -> line.startsWith("WARN") || line.startsWith("ERROR"));
      // half the sampling interval, so that no two samples of a variable share a notification
      assertThat(
              log.has(
                  "opcua device up device=load", "subscribed=10000 refused=0", "publishingMs=500"))
          .isTrue();
      assertThat(recorder.largestBatch()).isBetween(1, MAX_SAMPLES_PER_BATCH);
      assertThat(recorder.badSamples()).isZero();
      // four seconds of one value per variable per second
      assertThat(window.samples()).isGreaterThanOrEqualTo(3L * VARIABLES);
      assertThat(window.notAdvanced()).isZero();
      assertThat(window.variablesSeenTwice()).isEqualTo(VARIABLES);
      assertThat(window.foreignValues()).isZero();
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** What arrived, per variable; fed by the device's thread, read by the test's. */
  private static final class Recorder {

    /** What arrived during the measuring window. */
    record Window(
        long samples,
        long batches,
        long notAdvanced,
        long skippedTicks,
        long variablesSeenTwice,
        long foreignValues) {}

    private final Map<String, Integer> index = new HashMap<>();
    private final double[] last = new double[VARIABLES];
    private final Instant[] lastSource = new Instant[VARIABLES];
    private final int[] seenInWindow = new int[VARIABLES];
    private int goodTags;
    private int largestBatch;
    private long badSamples;
    private boolean inWindow;
    private long samples;
    private long batches;
    private long notAdvanced;
    private long skippedTicks;
    private long foreignValues;

    Recorder() {
      for (int i = 0; i < VARIABLES; i++) {
        index.put(name(i), i);
      }
    }

    synchronized void add(SampleBatch batch) {
      largestBatch = Math.max(largestBatch, batch.samples().size());
      if (inWindow) {
        batches++;
      }
      for (Sample sample : batch.samples()) {
        int i = index.get(sample.tag());
        if (sample.quality() != Quality.GOOD) {
          badSamples++;
          continue;
        }
        double value = (Double) sample.value();
        // the ramp of variable i is i + tick
        double tick = value - i;
        if (tick < 0 || Math.abs(tick - Math.rint(tick)) > 1e-6) {
          foreignValues++;
        }
        if (lastSource[i] == null) {
          goodTags++;
        } else if (inWindow) {
          samples++;
          seenInWindow[i]++;
          if (value <= last[i] || !sample.sourceTime().isAfter(lastSource[i])) {
            notAdvanced++;
          } else {
            skippedTicks += Math.round(value - last[i]) - 1;
          }
        }
        last[i] = value;
        lastSource[i] = sample.sourceTime();
      }
    }

    synchronized int goodTags() {
      return goodTags;
    }

    synchronized int largestBatch() {
      return largestBatch;
    }

    synchronized long badSamples() {
      return badSamples;
    }

    synchronized void startWindow() {
      inWindow = true;
    }

    synchronized Window endWindow() {
      inWindow = false;
      long seenTwice = IntStream.of(seenInWindow).filter(n -> n >= 2).count();
      return new Window(samples, batches, notAdvanced, skippedTicks, seenTwice, foreignValues);
    }
  }
}
