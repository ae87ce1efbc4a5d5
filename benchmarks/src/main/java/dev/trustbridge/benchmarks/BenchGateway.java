package dev.trustbridge.benchmarks;

import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.Vaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A development gateway for one benchmark trial: a development PKI, the gateway identity in a
 * software vault, and session keys certified by it, all in a fresh directory under {@code
 * java.io.tmpdir} that {@link #close()} deletes.
 */
final class BenchGateway implements AutoCloseable {

  static final String GATEWAY = "gw-bench";
  static final String SITE = "site-bench";
  static final String DEVICE = "plc-1";

  private final Path directory;
  private final DevelopmentPki pki;
  private final Vault vault;
  private final Identity identity;
  private final SessionKeys keys;

  private BenchGateway(
      Path directory, DevelopmentPki pki, Vault vault, Identity identity, SessionKeys keys) {
    this.directory = directory;
    this.pki = pki;
    this.vault = vault;
    this.identity = identity;
    this.keys = keys;
  }

  static BenchGateway start() throws VaultException, EnvelopeException {
    Path directory = newDirectory();
    DevelopmentPki pki = DevelopmentPki.openOrCreate(directory.resolve("pki"));
    IssuedCertificate issued = pki.gatewayIdentity(GATEWAY, SITE);
    Vault vault = Vaults.open(new VaultConfig.Software(issued.keyStoreFile(), pki.password()));
    try {
      Identity identity = vault.identity(issued.name());
      return new BenchGateway(directory, pki, vault, identity, SessionKeys.start(identity));
    } catch (VaultException | EnvelopeException | RuntimeException e) {
      vault.close();
      throw e;
    }
  }

  private static Path newDirectory() {
    try {
      return Files.createTempDirectory("trustbridge-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a benchmark directory in " + System.getProperty("java.io.tmpdir"), e);
    }
  }

  Path directory() {
    return directory;
  }

  DevelopmentPki pki() {
    return pki;
  }

  Identity identity() {
    return identity;
  }

  Vault vault() {
    return vault;
  }

  SessionKeys keys() {
    return keys;
  }

  /** What a consumer of this gateway's envelopes trusts: the development CA. */
  List<X509Certificate> trustRoots() {
    return List.of(pki.caCertificate());
  }

  @Override
  public void close() {
    keys.close();
    vault.close();
    delete(directory);
  }

  static void delete(Path tree) {
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete benchmark directory " + tree, e);
    }
  }
}
