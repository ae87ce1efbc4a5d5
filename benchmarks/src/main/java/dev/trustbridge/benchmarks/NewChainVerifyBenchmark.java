package dev.trustbridge.benchmarks;

import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.envelope.StreamStateStore;
import dev.trustbridge.trust.envelope.VerificationResult;
import dev.trustbridge.trust.vault.VaultException;
import java.security.cert.X509Certificate;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verifying the first envelope of a session key, by a new verifier: what a consumer pays once per
 * session key and gateway (hourly by default). Each envelope of the pool is signed by its own
 * session key, and the pool is larger than the JDK's cache of parsed certificates, so every session
 * certificate is parsed and its signature checked again; the identity and CA certificates recur, as
 * they do in a fleet. The chain's cost does not depend on the samples: envelopes carry {@value
 * #SAMPLES_PER_ENVELOPE}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class NewChainVerifyBenchmark {

  /**
   * More session certificates than the 750 that {@code sun.security.provider.X509Factory} keeps.
   */
  static final int DEFAULT_SESSION_KEYS = 1024;

  static final int SAMPLES_PER_ENVELOPE = 10;

  @Param({"EMBEDDED", "PUBLISHED"})
  public ChainMode chainMode;

  int sessionKeys = DEFAULT_SESSION_KEYS;

  private byte[][] envelopes;
  private byte[][] chainsDocuments;
  private List<X509Certificate> trustRoots;
  private int next;

  @Setup(Level.Trial)
  public void signWithNewKeys() throws VaultException, EnvelopeException {
    try (BenchGateway gateway = BenchGateway.start()) {
      StreamStateStore store = new MemoryStateStore();
      List<EnvelopeSample> samples = Samples.of(SAMPLES_PER_ENVELOPE);
      envelopes = new byte[sessionKeys][];
      chainsDocuments = new byte[sessionKeys][];
      for (int i = 0; i < sessionKeys; i++) {
        try (SessionKeys keys = SessionKeys.start(gateway.identity())) {
          EnvelopeSigner signer = EnvelopeSigner.open(keys, store, chainMode);
          envelopes[i] = signer.sign(BenchGateway.DEVICE, samples).bytes();
          chainsDocuments[i] = keys.chainsDocument();
        }
      }
      trustRoots = gateway.trustRoots();
    }
  }

  @Benchmark
  public VerificationResult verifyNewChain() throws EnvelopeException {
    int i = next;
    next = (next + 1) % envelopes.length;
    EnvelopeVerifier verifier = EnvelopeVerifier.create(trustRoots);
    if (chainMode == ChainMode.PUBLISHED) {
      verifier.addPublishedChains(chainsDocuments[i]);
    }
    return SuccessPath.require(verifier.verify(envelopes[i]));
  }
}
