package dev.trustbridge.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.tokens.TokenRig;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The provisioning flow init → csr → (CA issues) → import → show, on a file and in the TPM. */
class KeysCommandTest {

  @TempDir Path config;
  @TempDir Path pkiDirectory;

  private record Result(int exitCode, String out, String err) {}

  private Result keys(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        TrustBridgeCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    String[] command = new String[args.length + 3];
    command[0] = "keys";
    System.arraycopy(args, 0, command, 1, args.length);
    command[args.length + 1] = "--config";
    command[args.length + 2] = config.toString();
    return new Result(cli.execute(command), out.toString(), err.toString());
  }

  private void writeConfig(String vault) throws Exception {
    Files.writeString(
        config.resolve("trustbridge.yaml"),
        "site: plant-a\ngateway: gw-07\nsecurity:\n  mode: %s\n%s"
            .formatted(vault.contains("software") ? "development" : "production", vault));
  }

  /** Runs the whole flow and returns what {@code keys show} printed. */
  private String provision() throws Exception {
    Result init = keys("init");
    assertThat(init.exitCode()).as(init.err()).isZero();
    assertThat(init.out())
        .contains("generated identity key inside the vault", "fingerprint: sha256:");

    Path csrFile = config.resolve("gw-07.csr");
    Result csr = keys("csr", "--out", csrFile.toString());
    assertThat(csr.exitCode()).as(csr.err()).isZero();
    PKCS10CertificationRequest request;
    try (Reader reader = Files.newBufferedReader(csrFile);
        PEMParser parser = new PEMParser(reader)) {
      request = (PKCS10CertificationRequest) parser.readObject();
    }
    assertThat(new X500Principal(request.getSubject().getEncoded()).getName())
        .isEqualTo("CN=gw-07,OU=plant-a");

    List<X509Certificate> chain =
        DevelopmentPki.openOrCreate(pkiDirectory).signClientRequest(request);
    Path chainFile = config.resolve("gw-07-chain.pem");
    Files.writeString(chainFile, KeysCommand.pem(chain.get(0)) + KeysCommand.pem(chain.get(1)));
    Result imported = keys("import", "--chain", chainFile.toString());
    assertThat(imported.exitCode()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("installed 2 certificate(s) for CN=gw-07, OU=plant-a");

    Result show = keys("show");
    assertThat(show.exitCode()).as(show.err()).isZero();
    return show.out();
  }

  @Test
  void provisioning_inSoftwareVault_showsEnrolledExportableKey() throws Exception {
    Files.writeString(config.resolve("password"), "dev-password");
    writeConfig(
        "vault:\n  type: software\n  keyStore: identity.p12\n  password: ${file:password}\n");

    String show = provision();

    assertThat(show)
        .contains("backend:     software")
        .contains("exportable:  true")
        .contains("enrolled:    true")
        .contains("subject:     CN=gw-07, OU=plant-a")
        .contains("issuer:      CN=TrustBridge Development CA")
        .contains("chain:       2 certificate(s)")
        .doesNotContain("dev-password");
  }

  @Test
  void provisioning_inTpm_showsKeyThatCannotBeExported() throws Exception {
    TokenRig.require();
    String alias = "gw-" + UUID.randomUUID().toString().substring(0, 8);
    writeConfig(
        """
        vault:
          type: pkcs11
          uri: "pkcs11:token=trustbridge;object=%s?module-path=%s"
          pin: ${file:%s}
        """
            .formatted(alias, TokenRig.TPM2_MODULE, TokenRig.userPinFile()));

    String show = provision();

    assertThat(show)
        .contains("backend:     pkcs11")
        .contains("key:         pkcs11:token=trustbridge;object=" + alias + ";type=private")
        .contains("exportable:  false")
        .contains("enrolled:    true")
        .doesNotContain(new String(TokenRig.userPin()));
  }

  @Test
  void showBeforeInit_andInitTwice_failWithTheirReasons() throws Exception {
    Files.writeString(config.resolve("password"), "dev-password");
    writeConfig(
        "vault:\n  type: software\n  keyStore: identity.p12\n  password: ${file:password}\n");

    Result show = keys("show");
    assertThat(show.exitCode()).isEqualTo(TrustBridgeCli.EXIT_FAILURE);
    assertThat(show.err())
        .contains(
            "[vault KEY_NOT_FOUND] no identity key 'gateway-identity'", "trustbridge keys init");

    assertThat(keys("init").exitCode()).isZero();
    Result again = keys("init");
    assertThat(again.exitCode()).isEqualTo(TrustBridgeCli.EXIT_FAILURE);
    assertThat(again.err()).contains("[vault KEY_EXISTS]");
  }

  @Test
  void wrongPin_isReportedWithoutThePin() throws Exception {
    Files.writeString(config.resolve("password"), "dev-password");
    writeConfig(
        "vault:\n  type: software\n  keyStore: identity.p12\n  password: ${file:password}\n");
    assertThat(keys("init").exitCode()).isZero();
    Files.writeString(config.resolve("password"), "guessed-password");

    Result show = keys("show");

    assertThat(show.exitCode()).isEqualTo(TrustBridgeCli.EXIT_FAILURE);
    assertThat(show.err()).contains("[vault WRONG_PIN]").doesNotContain("guessed-password");
  }
}
