package dev.trustbridge.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbridge.runtime.GatewayRig;
import dev.trustbridge.runtime.cli.TrustBridgeCli;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.attest.TpmPlatform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed configuration: {@code trustbridge config sign} with a publisher's key, and a gateway that
 * requires the signature refusing a missing, altered or foreign bundle with the reason.
 */
class ConfigBundleTest {

  @TempDir Path dir;
  @TempDir Path pkiDirectory;
  @TempDir Path otherPkiDirectory;
  private DevelopmentPki pki;

  @BeforeEach
  void writeConfiguration() throws Exception {
    pki = DevelopmentPki.openOrCreate(pkiDirectory);
    Files.createDirectories(dir.resolve("pki"));
    Files.copy(pki.caCertificateFile(), dir.resolve("pki/config-ca.pem"));
    Files.writeString(dir.resolve("pki/keystore-password"), "s3cret-value\n");
    Files.writeString(dir.resolve("pki/identity.p12"), "keystore");
    Files.writeString(
        dir.resolve("trustbridge.yaml"),
        """
        site: plant-a
        gateway: gw-01
        security:
          mode: development
          requireSignedConfig: true
          configSigners: pki/config-ca.pem
        devices:
          - id: boiler-1
            protocol: modbus
            endpoint: 127.0.0.1:5020
            tags:
              - {name: temperature, table: holdingRegister, address: 0, type: float32}
        uplinks:
          - id: cloud
            server: ssl://broker.example.net:8883
            tls:
              caCertificate: pki/config-ca.pem
        vault:
          type: software
          keyStore: pki/identity.p12
          password: ${file:pki/keystore-password}
        policies: [policies/plant.yaml]
        """);
    Files.createDirectories(dir.resolve("routes"));
    Files.writeString(
        dir.resolve("routes/telemetry.camel.yaml"),
        "- route:\n    id: boiler\n    from:\n      uri: modbus:boiler-1\n      steps:\n        - to:\n            uri: mqtt:cloud\n");
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        dir.resolve("policies/plant.yaml"),
        "telemetry:\n  rules:\n    - {id: all, action: allow}\n");
  }

  @Test
  void signedByPublisher_loadsWithItsVersion() throws Exception {
    assertThat(sign(pki.operatorCertificate("publisher", "config-publisher"), 7))
        .contains("signed 3 files at version 7");

    assertThat(load().configVersion()).hasValue(7);
  }

  @Test
  void missingBundle_isRefused() {
    assertThat(problems())
        .containsExactly(
            "trustbridge.bundle.jws:1:1: bundle: missing: security.requireSignedConfig needs a"
                + " signed bundle ('trustbridge config sign')");
  }

  @Test
  void fileChangedAfterSigning_isNamed() throws Exception {
    sign(pki.operatorCertificate("publisher", "config-publisher"), 1);
    Files.writeString(
        dir.resolve("policies/plant.yaml"), "# loosened\n", StandardOpenOption.APPEND);

    assertThat(problems())
        .singleElement()
        .asString()
        .contains("signed by publisher but policies/plant.yaml differs from the signed manifest");
  }

  @Test
  void tagListChangedAfterSigning_isNamed() throws Exception {
    Path main = dir.resolve("trustbridge.yaml");
    Files.writeString(
        main,
        Files.readString(main)
            .replace(
                "    tags:\n      - {name: temperature, table: holdingRegister, address: 0, type:"
                    + " float32}\n",
                "    tagFile: tags/boiler-1.csv\n"));
    Files.createDirectories(dir.resolve("tags"));
    Files.writeString(
        dir.resolve("tags/boiler-1.csv"),
        "name,table,address,type\ntemperature,holdingRegister,0,float32\n");
    assertThat(sign(pki.operatorCertificate("publisher", "config-publisher"), 3))
        .contains("signed 4 files at version 3");
    assertThat(load().configVersion()).hasValue(3);

    Files.writeString(
        dir.resolve("tags/boiler-1.csv"),
        "setpoint,holdingRegister,8,float32\n",
        StandardOpenOption.APPEND);

    assertThat(problems())
        .singleElement()
        .asString()
        .contains("signed by publisher but tags/boiler-1.csv differs from the signed manifest");
  }

  @Test
  void alteredBundle_isRefusedForItsSignature() throws Exception {
    sign(pki.operatorCertificate("publisher", "config-publisher"), 2);
    Path bundle = dir.resolve(ConfigBundle.FILE);
    String signed = Files.readString(bundle);
    int at = signed.indexOf("\"signature\":\"") + 20;
    char flipped = signed.charAt(at) == 'A' ? 'B' : 'A';
    Files.writeString(bundle, signed.substring(0, at) + flipped + signed.substring(at + 1));

    assertThat(problems()).singleElement().asString().contains("not accepted (bad-signature)");
  }

  @Test
  void signerOfAnotherCa_isRefused() throws Exception {
    DevelopmentPki other = DevelopmentPki.openOrCreate(otherPkiDirectory);
    sign(other, other.operatorCertificate("intruder", "config-publisher"), 1);

    assertThat(problems()).singleElement().asString().contains("not accepted (unknown-ca)");
  }

  @Test
  void olderVersionThanAccepted_isRefusedAsRollback() throws Exception {
    Path state = dir.resolve("state");
    GatewayRig.acceptConfigVersion(state, 5);

    assertThatThrownBy(() -> GatewayRig.acceptConfigVersion(state, 4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("configuration bundle version 4 is older than version 5")
        .hasMessageContaining("rollback refused");
    GatewayRig.acceptConfigVersion(state, 5);
    GatewayRig.acceptConfigVersion(state, 6);
    assertThat(Files.readString(state.resolve("config-version")).strip()).isEqualTo("6");
  }

  @Test
  void unreadableVersionRecord_isRefusedNamingTheFileAndTheRemedy() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.writeString(state.resolve("config-version"), "seven\n");

    assertThatThrownBy(() -> GatewayRig.acceptConfigVersion(state, 8))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining(state.resolve("config-version").toString())
        .hasMessageContaining("restore it from a backup");
  }

  @Test
  void withTpm_rollbackIsRefusedEvenAfterTheStateDirectoryIsRestored() throws Exception {
    dev.trustbridge.sim.tokens.TokenRig.require();
    Path state = dir.resolve("state");
    try (TpmPlatform tpm = TpmPlatform.open(java.util.Optional.empty(), dir.resolve("tpm"))) {
      long base = tpm.readCounter(GatewayRig.configVersionIndex()).orElse(0);
      GatewayRig.acceptConfigVersion(state, base + 5, tpm);
      // an attacker restores an old state directory: the TPM still remembers
      Files.delete(state.resolve("config-version"));

      assertThatThrownBy(() -> GatewayRig.acceptConfigVersion(state, base + 4, tpm))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("rollback refused");
      assertThat(tpm.readCounter(GatewayRig.configVersionIndex())).hasValue(base + 5);
    }
  }

  private String sign(IssuedCertificate publisher, long version) {
    return sign(pki, publisher, version);
  }

  private String sign(DevelopmentPki issuer, IssuedCertificate publisher, long version) {
    StringWriter out = new StringWriter();
    int exit =
        TrustBridgeCli.commandLine()
            .setOut(new PrintWriter(out))
            .execute(
                "config",
                "sign",
                "--key",
                publisher.keyStoreFile().toString(),
                "--key-password-file",
                issuer.passwordFile().toString(),
                "--version",
                Long.toString(version),
                dir.toString());
    assertThat(exit).as(out.toString()).isZero();
    return out.toString();
  }

  private GatewayConfig load() throws ConfigException {
    return new ConfigLoader(Map.of()).load(dir);
  }

  private List<String> problems() {
    try {
      load();
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
    throw new AssertionError("configuration was accepted");
  }
}
