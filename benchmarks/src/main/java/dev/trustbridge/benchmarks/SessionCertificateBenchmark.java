package dev.trustbridge.benchmarks;

import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Pkcs11Uri;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.Vaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
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
 * Certifying one session key, the one signature the vault makes per session: a new EC P-256 key in
 * memory, its certificate built and signed by the identity key in the vault, handed over from the
 * rotation thread. With the default lifetime of an hour this happens once per hour, so it bounds no
 * throughput; it says how long a gateway start or a rotation waits for the vault.
 *
 * <p>{@code software} is the PKCS#12 vault. {@code softhsm} and {@code tpm} (tpm2-pkcs11 on swtpm)
 * are the tokens of {@code scripts/trust-rig.sh}: start the rig, source its {@code env.sh}, and
 * pass {@code -p vault=software,softhsm,tpm}. Each trial generates one identity key in the token
 * and leaves it there.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SessionCertificateBenchmark {

  private static final Path SOFTHSM_MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  private static final Path TPM2_MODULE =
      Path.of("/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so");
  private static final String RIG_TOKEN = "trustbridge";
  private static final String SUBJECT = "CN=" + BenchGateway.GATEWAY + ",OU=" + BenchGateway.SITE;

  @Param({"software"})
  public String vault;

  private BenchGateway gateway;
  private Vault token;
  private Identity identity;
  private SessionKeys keys;

  @Setup(Level.Trial)
  public void openVault() throws VaultException, EnvelopeException {
    gateway = BenchGateway.start();
    try {
      identity =
          switch (vault) {
            case "software" -> gateway.identity();
            case "softhsm" -> tokenIdentity(SOFTHSM_MODULE);
            case "tpm" -> tokenIdentity(TPM2_MODULE);
            default ->
                throw new IllegalArgumentException(
                    "vault '" + vault + "' is not one of software, softhsm, tpm");
          };
    } catch (VaultException | RuntimeException e) {
      closeVault();
      throw e;
    }
  }

  private Identity tokenIdentity(Path module) throws VaultException {
    Path rig = rigDirectory();
    char[] pin;
    try {
      pin = Files.readString(rig.resolve("user-pin")).strip().toCharArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the user PIN of the trust rig in " + rig, e);
    }
    token =
        Vaults.open(
            new VaultConfig.Pkcs11(
                Pkcs11Uri.parse("pkcs11:token=" + RIG_TOKEN + "?module-path=" + module), pin));
    Identity generated =
        token.generateIdentity("bench-" + UUID.randomUUID().toString().substring(0, 8), SUBJECT);
    generated.installCertificateChain(
        gateway.pki().signGatewayRequest(generated.createCsr(SUBJECT)));
    return generated;
  }

  private static Path rigDirectory() {
    String rig = System.getenv("TRUSTBRIDGE_TRUST_RIG");
    if (rig == null || !Files.isDirectory(Path.of(rig))) {
      throw new IllegalStateException(
          "TRUSTBRIDGE_TRUST_RIG="
              + rig
              + " names no rig directory: the softhsm and tpm vaults need the token rig; run"
              + " 'scripts/trust-rig.sh start DIR && . DIR/env.sh' first");
    }
    return Path.of(rig);
  }

  @Setup(Level.Iteration)
  public void startKeys() throws EnvelopeException {
    // new session keys per iteration keep the list of published certificates short
    keys = SessionKeys.start(identity);
  }

  @TearDown(Level.Iteration)
  public void stopKeys() {
    keys.close();
  }

  @TearDown(Level.Trial)
  public void closeVault() {
    if (token != null) {
      token.close();
      token = null;
    }
    if (gateway != null) {
      gateway.close();
      gateway = null;
    }
  }

  @Benchmark
  public List<X509Certificate> certifySessionKey() throws InterruptedException, ExecutionException {
    return keys.rotate().toCompletableFuture().get();
  }
}
