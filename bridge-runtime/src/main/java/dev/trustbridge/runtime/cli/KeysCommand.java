package dev.trustbridge.runtime.cli;

import dev.trustbridge.runtime.config.ConfigException;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.config.GatewayIdentity;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.PemCertificates;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.Vaults;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trustbridge keys}: provisions the gateway's identity key in its vault: generate it inside
 * the token, request a certificate, install the issued chain, show what is there.
 */
@Command(
    name = "keys",
    description =
        "Provision the gateway's identity key in its vault (TPM, HSM, or development file).",
    subcommands = {
      KeysCommand.Init.class,
      KeysCommand.Csr.class,
      KeysCommand.Import.class,
      KeysCommand.Show.class
    })
final class KeysCommand {

  /** The option every keys command shares. */
  static final class ConfigOption {
    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "DIR",
        description = "Configuration directory whose trustbridge.yaml names the vault.")
    Path directory;
  }

  /** What a keys command does with the open vault; returns the exit code. */
  @FunctionalInterface
  interface VaultAction {
    int run(GatewayIdentity gateway, Vault vault) throws VaultException, IOException;
  }

  /** Opens the configured vault, runs the action, closes the vault; reports failures plainly. */
  static int withVault(CommandSpec spec, Path directory, VaultAction action) {
    PrintWriter err = spec.commandLine().getErr();
    GatewayIdentity gateway;
    try {
      gateway = new ConfigLoader(System.getenv()).loadIdentity(directory);
    } catch (ConfigException e) {
      err.println("trustbridge keys: " + e.getMessage());
      return TrustBridgeCli.EXIT_CONFIG;
    }
    try (Vault vault = Vaults.open(gateway.key().vault())) {
      return action.run(gateway, vault);
    } catch (VaultException e) {
      err.println("trustbridge keys: " + e.getMessage());
      return TrustBridgeCli.EXIT_FAILURE;
    } catch (IOException e) {
      err.println("trustbridge keys: " + e.getMessage());
      return TrustBridgeCli.EXIT_FAILURE;
    } finally {
      gateway.key().vault().clear();
    }
  }

  @Command(name = "init", description = "Generate the identity key inside the vault.")
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Option(
        names = "--subject",
        paramLabel = "DN",
        description = "Subject of the placeholder certificate (default CN=<gateway>,OU=<site>).")
    String subject;

    @Override
    public Integer call() {
      return withVault(
          spec,
          config.directory,
          (gateway, vault) -> {
            Identity identity =
                vault.generateIdentity(
                    gateway.key().alias(), subject == null ? gateway.defaultSubject() : subject);
            PrintWriter out = spec.commandLine().getOut();
            out.println("generated identity key inside the vault");
            out.println("  key:         " + identity.keyUri());
            out.println("  fingerprint: sha256:" + identity.publicKeyFingerprint());
            out.println("  exportable:  " + identity.isExportable());
            out.println("next: trustbridge keys csr --config " + config.directory);
            return 0;
          });
    }
  }

  @Command(
      name = "csr",
      description = "Write a PKCS#10 certificate request, signed inside the vault, as PEM.")
  static final class Csr implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Option(
        names = "--subject",
        paramLabel = "DN",
        description = "Subject (default CN=<gateway>,OU=<site>).")
    String subject;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "Write here instead of standard output.")
    Path out;

    @Override
    public Integer call() {
      return withVault(
          spec,
          config.directory,
          (gateway, vault) -> {
            PKCS10CertificationRequest csr =
                vault
                    .identity(gateway.key().alias())
                    .createCsr(subject == null ? gateway.defaultSubject() : subject);
            String pem = pem(csr);
            if (out == null) {
              spec.commandLine().getOut().print(pem);
            } else {
              Files.writeString(out, pem, StandardCharsets.US_ASCII);
              spec.commandLine().getOut().println("wrote " + out);
            }
            return 0;
          });
    }
  }

  @Command(
      name = "import",
      description = "Install the certificate chain issued for the identity key (PEM, leaf first).")
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Option(
        names = "--chain",
        required = true,
        paramLabel = "FILE",
        description = "PEM file, leaf first.")
    Path chainFile;

    @Override
    public Integer call() {
      return withVault(
          spec,
          config.directory,
          (gateway, vault) -> {
            List<X509Certificate> chain = readChain(chainFile);
            Identity identity = vault.identity(gateway.key().alias());
            identity.installCertificateChain(chain);
            spec.commandLine()
                .getOut()
                .println(
                    "installed "
                        + chain.size()
                        + " certificate(s) for "
                        + chain.get(0).getSubjectX500Principal()
                        + ", valid until "
                        + chain.get(0).getNotAfter().toInstant());
            return 0;
          });
    }
  }

  @Command(name = "show", description = "Show the vault, the identity key and its certificate.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Override
    public Integer call() {
      return withVault(
          spec,
          config.directory,
          (gateway, vault) -> {
            Identity identity = vault.identity(gateway.key().alias());
            X509Certificate leaf = identity.certificateChain().get(0);
            Duration left = Duration.between(Instant.now(), leaf.getNotAfter().toInstant());
            PrintWriter out = spec.commandLine().getOut();
            out.println("backend:     " + vault.backend());
            out.println("vault:       " + vault.description());
            out.println("key:         " + identity.keyUri());
            out.println("algorithm:   " + identity.publicKey().getAlgorithm() + " P-256");
            out.println("fingerprint: sha256:" + identity.publicKeyFingerprint());
            out.println("exportable:  " + identity.isExportable());
            out.println("enrolled:    " + identity.isEnrolled());
            out.println("subject:     " + leaf.getSubjectX500Principal());
            out.println("issuer:      " + leaf.getIssuerX500Principal());
            out.println(
                "not after:   "
                    + leaf.getNotAfter().toInstant()
                    + " ("
                    + left.toDays()
                    + " days left)");
            out.println("chain:       " + identity.certificateChain().size() + " certificate(s)");
            return 0;
          });
    }
  }

  static String pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** The certificates of a PEM file, in file order. */
  static List<X509Certificate> readChain(Path file) throws IOException {
    return PemCertificates.read(file);
  }
}
