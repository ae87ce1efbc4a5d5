package dev.trustbridge.runtime.observe.internal;

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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Samples signed are counted by device and quality, envelopes by device and kind. */
class CountingEnvelopeSignerTest {

  @TempDir Path directory;

  @Test
  void samplesOfMixedQualities_areCountedPerQuality_envelopesOncePerSignature() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(directory.resolve("pki"));
    IssuedCertificate identity = pki.gatewayIdentity("gw-01", "plant-a");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Vault vault =
            Vaults.open(new VaultConfig.Software(identity.keyStoreFile(), pki.password()));
        SessionKeys keys = SessionKeys.start(vault.identity(identity.name()));
        StreamStateStore store = StreamStateStore.file(directory.resolve("streams.json"))) {
      EnvelopeSigner signer =
          new CountingEnvelopeSigner(
              EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED), registry);

      signer.sign(
          "boiler-1",
          List.of(
              sample("GOOD"),
              sample("GOOD"),
              sample("BAD"),
              sample("GOOD"),
              sample("UNCERTAIN"),
              sample("UNCERTAIN")));
      signer.sign("boiler-1", List.of(sample("BAD")));
    }

    assertThat(samples(registry, "GOOD")).isEqualTo(3);
    assertThat(samples(registry, "BAD")).isEqualTo(2);
    assertThat(samples(registry, "UNCERTAIN")).isEqualTo(2);
    assertThat(
            registry
                .get("trustbridge.envelopes.signed")
                .tags("device", "boiler-1", "kind", "samples")
                .counter()
                .count())
        .isEqualTo(2);
  }

  private static EnvelopeSample sample(String quality) {
    return new EnvelopeSample("temperature", 20.5, quality, Instant.now(), "degC");
  }

  private static double samples(SimpleMeterRegistry registry, String quality) {
    return registry
        .get("trustbridge.samples")
        .tags("device", "boiler-1", "quality", quality)
        .counter()
        .count();
  }
}
