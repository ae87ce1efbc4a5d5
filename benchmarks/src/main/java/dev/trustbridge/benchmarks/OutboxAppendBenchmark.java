package dev.trustbridge.benchmarks;

import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.policy.signing.SigningEncoder;
import dev.trustbridge.runtime.config.OutboxSettings;
import dev.trustbridge.runtime.outbox.DurableOutbox;
import dev.trustbridge.runtime.outbox.OutboxException;
import dev.trustbridge.runtime.outbox.OutboxStatus;
import dev.trustbridge.runtime.outbox.OutboxStore;
import dev.trustbridge.trust.atrest.DataKey;
import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import dev.trustbridge.trust.vault.VaultException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Accepting one poll's batch into the durable outbox, as the {@code mqtt:} producer does: sign the
 * envelope, encrypt it, and wait until the group commit that holds it (and the stream position) is
 * on disk. With one thread every envelope waits for its own disk sync; with eight threads, each a
 * device, envelopes share commits. Nothing drains the outbox during the measurement.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class OutboxAppendBenchmark {

  static final int DEVICES = 8;
  static final String TOPIC = "tb/v1/site-bench/gw-bench/plc/telemetry";

  @Param({"10", "100"})
  public int samplesPerBatch;

  private BenchGateway gateway;
  private OutboxStore store;
  private DurableOutbox outbox;
  private final AtomicInteger nextDevice = new AtomicInteger();
  private List<Sample> samples;

  /** The device a benchmark thread polls. */
  @State(Scope.Thread)
  public static class Device {
    SampleBatch batch;

    @Setup(Level.Trial)
    public void pick(OutboxAppendBenchmark benchmark) {
      batch =
          new SampleBatch(
              "plc-" + benchmark.nextDevice.getAndIncrement() % DEVICES, benchmark.samples);
    }
  }

  @Setup(Level.Trial)
  public void start() throws VaultException, EnvelopeException, OutboxException {
    gateway = BenchGateway.start();
    DataKey key =
        DataKey.open(
            gateway.directory().resolve("outbox.key"),
            gateway.vault().keySealer("trustbridge-data"));
    store = OutboxStore.open(gateway.directory().resolve("state"), key, Clock.systemUTC());
    Set<String> devices = new HashSet<>();
    for (int i = 0; i < DEVICES; i++) {
      devices.add("plc-" + i);
    }
    EnvelopeSigner signer =
        EnvelopeSigner.open(
            gateway.keys(),
            store.streamState(gateway.directory().resolve("streams.json")),
            ChainMode.PUBLISHED);
    outbox =
        store.outbox(
            "bench",
            new OutboxSettings(
                1L << 40,
                Optional.empty(),
                OutboxSettings.WhenFull.BLOCK,
                OutboxSettings.DEFAULT_IN_FLIGHT,
                OutboxSettings.KeyProtection.SOFTWARE,
                Optional.empty()),
            new SigningEncoder(signer, devices));
    Instant now = Instant.now();
    samples = new ArrayList<>();
    for (int i = 0; i < samplesPerBatch; i++) {
      samples.add(Sample.good("value-" + i, 20.0 + i, now, now, "degC"));
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    store.close();
    gateway.close();
  }

  /** One device, one thread: every envelope waits for a disk sync of its own. */
  @Benchmark
  @Threads(1)
  public void acceptOneDevice(Device device) {
    outbox.accept(device.batch, TOPIC).toCompletableFuture().join();
  }

  /** Eight devices in parallel: their envelopes share group commits. */
  @Benchmark
  @Threads(DEVICES)
  public void acceptEightDevices(Device device) {
    outbox.accept(device.batch, TOPIC).toCompletableFuture().join();
  }

  /** What the store holds, for checks. */
  List<OutboxStatus> status() throws OutboxException {
    return store.status();
  }
}
