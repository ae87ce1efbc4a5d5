package dev.trustbridge.policy.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.envelope.StreamStateStore;
import dev.trustbridge.trust.envelope.VerificationResult;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.Vaults;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningEncoderTest {

  @TempDir Path directory;
  private DevelopmentPki pki;
  private Vault vault;
  private SessionKeys keys;
  private StreamStateStore store;
  private SigningEncoder encoder;

  @BeforeEach
  void openSigner() throws Exception {
    pki = DevelopmentPki.openOrCreate(directory.resolve("pki"));
    IssuedCertificate identity = pki.gatewayIdentity("gw-01", "plant-a");
    vault = Vaults.open(new VaultConfig.Software(identity.keyStoreFile(), pki.password()));
    keys = SessionKeys.start(vault.identity(identity.name()));
    store = StreamStateStore.file(directory.resolve("streams.json"));
    encoder =
        new SigningEncoder(
            EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED), Set.of("boiler-1"));
  }

  @AfterEach
  void close() throws Exception {
    keys.close();
    store.close();
    vault.close();
  }

  @Test
  void batch_becomesOneVerifiableEnvelopeWithTheSamples() {
    Instant read = Instant.parse("2026-11-27T06:00:00Z");
    SampleBatch batch =
        new SampleBatch(
            "boiler-1",
            List.of(
                Sample.good("temperature", 21.5, read, read, "degC"),
                Sample.good("burner", true, read, read, ""),
                Sample.bad("pressure", read, "bar")));

    VerificationResult result =
        EnvelopeVerifier.create(List.of(pki.caCertificate())).verify(encoder.encode(batch));

    assertThat(result).isInstanceOf(VerificationResult.Verified.class);
    var content = ((VerificationResult.Verified) result).content();
    assertThat(content.stream().device()).isEqualTo("boiler-1");
    assertThat(content.stream().gateway()).isEqualTo("gw-01");
    assertThat(content.seq()).isEqualTo(1);
    assertThat(content.samples())
        .containsExactly(
            new EnvelopeSample("temperature", 21.5, "GOOD", read, "degC"),
            new EnvelopeSample("burner", true, "GOOD", read, ""),
            new EnvelopeSample("pressure", null, "BAD", read, "bar"));
    assertThat(encoder.contentType()).isEqualTo("application/jose+json");
  }

  @Test
  void unregisteredDevice_isNeverSigned() {
    SampleBatch batch = new SampleBatch("rogue-plc", List.of(Sample.bad("x", Instant.now(), "")));

    assertThatThrownBy(() -> encoder.encode(batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refusing to sign samples of unregistered device 'rogue-plc'");
  }
}
