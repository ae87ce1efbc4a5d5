package dev.trustbridge.benchmarks;

import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.VerificationResult;
import dev.trustbridge.trust.vault.VaultException;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Deque;
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
 * Verifying envelopes on the success path, on a stream of one device pre-signed before the trial
 * (sequence 1, 2, 3, …): by a warm verifier that follows the stream and has validated the chain
 * before, and by a fresh verifier per envelope that runs PKIX on the chain every time. The chain is
 * always the same one here, so the JDK's own caches of parsed certificates and of their signature
 * checks stay warm; {@link NewChainVerifyBenchmark} measures chains seen for the first time.
 *
 * <p>A verifier tracks its streams, so showing it the stream twice would measure {@code REPLAY}
 * failures, and signing a stream long enough for a whole iteration would take as long as verifying
 * it. Instead, each iteration starts with {@value #WARM_VERIFIERS} new verifiers, each warmed
 * outside the measurement with an envelope of another device signed by the same session key (so the
 * chain is validated and cached), and hands the stream to the next of them whenever one has seen
 * all of it. Only if an iteration outruns all of them does a cold verifier take over, and the trial
 * says how often. Every result is checked: anything but verified stops the benchmark.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class EnvelopeVerifyBenchmark {

  static final int DEFAULT_STREAM_LENGTH = 4096;
  static final int WARM_VERIFIERS = 16;
  private static final String WARMUP_DEVICE = "warmup";

  @Param({"1", "10", "100", "1000"})
  public int samplesPerEnvelope;

  @Param({"EMBEDDED", "PUBLISHED"})
  public ChainMode chainMode;

  int streamLength = DEFAULT_STREAM_LENGTH;

  private byte[][] stream;
  private byte[] warmupEnvelope;
  private byte[] chainsDocument;
  private List<X509Certificate> trustRoots;
  private final Deque<EnvelopeVerifier> spares = new ArrayDeque<>();
  private EnvelopeVerifier warm;
  private int next;
  private int freshNext;
  private long coldTakeovers;

  @Setup(Level.Trial)
  public void signStream() throws VaultException, EnvelopeException {
    try (BenchGateway gateway = BenchGateway.start()) {
      EnvelopeSigner signer =
          EnvelopeSigner.open(gateway.keys(), new MemoryStateStore(), chainMode);
      List<EnvelopeSample> samples = Samples.of(samplesPerEnvelope);
      stream = new byte[streamLength][];
      for (int i = 0; i < streamLength; i++) {
        stream[i] = signer.sign(BenchGateway.DEVICE, samples).bytes();
      }
      warmupEnvelope = signer.sign(WARMUP_DEVICE, samples).bytes();
      chainsDocument = gateway.keys().chainsDocument();
      trustRoots = gateway.trustRoots();
    }
  }

  @Setup(Level.Iteration)
  public void warmVerifiers() throws EnvelopeException {
    spares.clear();
    for (int i = 0; i < WARM_VERIFIERS; i++) {
      EnvelopeVerifier verifier = newVerifier();
      SuccessPath.require(verifier.verify(warmupEnvelope));
      spares.add(verifier);
    }
    warm = spares.poll();
    next = 0;
  }

  @TearDown(Level.Trial)
  public void report() {
    if (coldTakeovers > 0) {
      System.out.printf(
          "verifyWarm: %d cold verifier(s) took over after %d warm ones had each seen %d"
              + " envelopes%n",
          coldTakeovers, WARM_VERIFIERS, streamLength);
    }
  }

  /** A verifier that follows this stream and has validated its chain: the steady state. */
  @Benchmark
  public VerificationResult verifyWarm() throws EnvelopeException {
    if (next == stream.length) {
      EnvelopeVerifier spare = spares.poll();
      if (spare == null) {
        spare = newVerifier();
        coldTakeovers++;
      }
      warm = spare;
      next = 0;
    }
    return SuccessPath.require(warm.verify(stream[next++]));
  }

  /**
   * A new verifier for every envelope: the verifier's chain cache is empty, PKIX runs on the chain
   * (and, for published chains, the chains document is read) each time.
   */
  @Benchmark
  public VerificationResult verifyFresh() throws EnvelopeException {
    byte[] envelope = stream[freshNext];
    freshNext = (freshNext + 1) % stream.length;
    return SuccessPath.require(newVerifier().verify(envelope));
  }

  private EnvelopeVerifier newVerifier() throws EnvelopeException {
    EnvelopeVerifier verifier = EnvelopeVerifier.create(trustRoots);
    if (chainMode == ChainMode.PUBLISHED) {
      verifier.addPublishedChains(chainsDocument);
    }
    return verifier;
  }

  long coldTakeovers() {
    return coldTakeovers;
  }
}
