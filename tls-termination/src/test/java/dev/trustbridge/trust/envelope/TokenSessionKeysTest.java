package dev.trustbridge.trust.envelope;

import static dev.trustbridge.trust.envelope.EnvelopeSignerTest.samples;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.sim.tokens.TokenRig;
import dev.trustbridge.trust.envelope.VerificationResult.Verified;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Pkcs11Uri;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.Vaults;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Session keys certified by an identity key that lives on a PKCS#11 token of the rig: SoftHSM2 and
 * a TPM through tpm2-pkcs11. The token signs the session certificate, never an envelope.
 */
class TokenSessionKeysTest {

  @TempDir Path directory;

  @ParameterizedTest
  @ValueSource(strings = {"softhsm", "tpm"})
  void identityOnToken_certifiesSessionKey_envelopesVerify(String token) throws Exception {
    TokenRig.require();
    Path module = token.equals("tpm") ? TokenRig.TPM2_MODULE : TokenRig.SOFTHSM_MODULE;
    TestPki pki = TestPki.create(Instant.now());
    String alias = "envelope-" + UUID.randomUUID().toString().substring(0, 8);
    try (Vault vault =
        Vaults.open(
            new VaultConfig.Pkcs11(
                Pkcs11Uri.parse("pkcs11:token=" + TokenRig.TOKEN_LABEL + "?module-path=" + module),
                TokenRig.userPin()))) {
      Identity identity = vault.generateIdentity(alias, TestGateway.SUBJECT);
      identity.installCertificateChain(
          List.of(pki.issueIdentity(identity.publicKey(), TestGateway.SUBJECT), pki.root()));

      try (SessionKeys keys = SessionKeys.start(identity, Duration.ofHours(1), Clock.systemUTC());
          StreamStateStore store = StreamStateStore.file(directory.resolve("state.json"))) {
        assertThat(identity.isExportable()).isFalse();
        keys.currentChain().get(0).verify(identity.publicKey());
        EnvelopeSigner signer = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);
        EnvelopeVerifier verifier = EnvelopeVerifier.create(List.of(pki.root()));

        for (int i = 0; i < 3; i++) {
          assertThat(verifier.verify(signer.sign("plc-1", samples(i)).bytes()))
              .isInstanceOf(Verified.class);
        }
      }
    }
  }
}
