package dev.trustbridge.benchmarks;

import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.Envelope;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import dev.trustbridge.trust.envelope.StreamStateStore;
import dev.trustbridge.trust.vault.VaultException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Signing one envelope of one device, as the gateway does once per device and poll cycle: with the
 * file state store the gateway runs on (the new stream position is fsynced before the envelope is
 * returned), and with the state kept in memory, which leaves only formatting, ES256 and hashing.
 * Compare both with {@link UnsignedJsonBenchmark}, the same samples as plain JSON.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EnvelopeSignBenchmark {

  @Param({"1", "10", "100", "1000"})
  public int samplesPerEnvelope;

  @Param({"EMBEDDED", "PUBLISHED"})
  public ChainMode chainMode;

  private BenchGateway gateway;
  private StreamStateStore fileStore;
  private EnvelopeSigner durable;
  private EnvelopeSigner inMemory;
  private List<EnvelopeSample> samples;

  @Setup(Level.Trial)
  public void start() throws VaultException, EnvelopeException {
    gateway = BenchGateway.start();
    fileStore = StreamStateStore.file(stateFile());
    durable = EnvelopeSigner.open(gateway.keys(), fileStore, chainMode);
    inMemory = EnvelopeSigner.open(gateway.keys(), new MemoryStateStore(), chainMode);
    samples = Samples.of(samplesPerEnvelope);
  }

  @TearDown(Level.Trial)
  public void stop() {
    fileStore.close();
    gateway.close();
  }

  Path stateFile() {
    return gateway.directory().resolve("state/streams.json");
  }

  /** What the gateway pays per envelope: format, sign, and the durable stream position. */
  @Benchmark
  public Envelope signDurable() throws EnvelopeException {
    return durable.sign(BenchGateway.DEVICE, samples);
  }

  /** The same without the durable write: format, ES256 signature and the envelope hash. */
  @Benchmark
  public Envelope signInMemory() throws EnvelopeException {
    return inMemory.sign(BenchGateway.DEVICE, samples);
  }
}
