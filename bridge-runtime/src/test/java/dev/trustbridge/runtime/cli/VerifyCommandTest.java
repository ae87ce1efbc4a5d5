package dev.trustbridge.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.envelope.StreamStateStore;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.Vaults;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trustbridge verify file}: envelopes of a real signer, some of them tampered with. */
class VerifyCommandTest {

  @TempDir Path directory;

  private List<String> signEnvelopes(DevelopmentPki pki, int count) throws Exception {
    IssuedCertificate identity = pki.gatewayIdentity("gw-01", "plant-a");
    List<String> envelopes = new ArrayList<>();
    try (Vault vault =
            Vaults.open(new VaultConfig.Software(identity.keyStoreFile(), pki.password()));
        SessionKeys keys = SessionKeys.start(vault.identity(identity.name()));
        StreamStateStore store = StreamStateStore.file(directory.resolve("streams.json"))) {
      EnvelopeSigner signer = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);
      for (int i = 0; i < count; i++) {
        byte[] envelope =
            signer
                .sign(
                    "boiler-1",
                    List.of(
                        new EnvelopeSample("temperature", 20.0 + i, "GOOD", Instant.now(), "degC")))
                .bytes();
        envelopes.add(new String(envelope, StandardCharsets.UTF_8));
      }
    }
    return envelopes;
  }

  private int verifyFile(List<String> lines, StringWriter out, StringWriter err, String... extra)
      throws Exception {
    Path file = directory.resolve("envelopes.jsonl");
    Files.write(file, lines);
    List<String> args = new ArrayList<>(List.of("verify", "file", file.toString()));
    args.addAll(
        List.of(
            "--trust-root",
            DevelopmentPki.openOrCreate(directory.resolve("pki")).caCertificateFile().toString()));
    args.addAll(List.of(extra));
    return TrustBridgeCli.commandLine()
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args.toArray(String[]::new));
  }

  @Test
  void intactStream_verifiesAndExitsZero() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(directory.resolve("pki"));
    List<String> envelopes = signEnvelopes(pki, 3);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exitCode = verifyFile(envelopes, out, err, "--json");

    assertThat(exitCode).as(err.toString()).isZero();
    assertThat(out.toString().lines())
        .hasSize(3)
        .allMatch(
            line ->
                line.startsWith(
                    "{\"result\":\"VERIFIED\",\"site\":\"plant-a\",\"gateway\":\"gw-01\",\"device\":\"boiler-1\""));
    assertThat(err.toString())
        .contains("summary: 3 envelopes, 0 failed", "plant-a/gw-01/boiler-1", "VERIFIED=3");
  }

  @Test
  void tamperedDroppedAndReplayedEnvelopes_areEachNamedAndFailTheRun() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(directory.resolve("pki"));
    List<String> envelopes = signEnvelopes(pki, 5);
    String tampered = envelopes.get(1).replaceFirst("\"payload\":\"e", "\"payload\":\"f");
    List<String> received =
        List.of(envelopes.get(0), tampered, envelopes.get(3), envelopes.get(3), envelopes.get(4));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exitCode = verifyFile(received, out, err);

    assertThat(exitCode).isEqualTo(TrustBridgeCli.EXIT_FAILURE);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("VERIFIED plant-a/gw-01/boiler-1 #1");
    assertThat(lines.get(1)).startsWith("BAD_SIGNATURE");
    assertThat(lines.get(2)).startsWith("GAP plant-a/gw-01/boiler-1 #4 missing 2");
    assertThat(lines.get(3)).startsWith("DUPLICATE plant-a/gw-01/boiler-1 #4");
    assertThat(lines.get(4)).startsWith("VERIFIED plant-a/gw-01/boiler-1 #5");
    assertThat(err.toString()).contains("summary: 5 envelopes, 3 failed");
  }
}
