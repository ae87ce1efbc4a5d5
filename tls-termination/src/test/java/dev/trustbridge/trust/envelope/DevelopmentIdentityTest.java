package dev.trustbridge.trust.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.Vaults;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The development PKI issues gateway identities in the profile that session keys and verifiers
 * demand, both as key stores and from requests of keys held in a vault.
 */
class DevelopmentIdentityTest {

  @TempDir Path pkiDirectory;
  @TempDir Path state;

  private static void signAndVerify(Identity identity, DevelopmentPki pki, Path state)
      throws Exception {
    try (SessionKeys keys = SessionKeys.start(identity);
        StreamStateStore store = StreamStateStore.file(state.resolve("streams.json"))) {
      EnvelopeSigner signer = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);
      Envelope envelope =
          signer.sign(
              "boiler-1",
              List.of(
                  new EnvelopeSample(
                      "temperature", 21.5, EnvelopeSample.GOOD, Instant.now(), "degC")));

      VerificationResult result =
          EnvelopeVerifier.create(List.of(pki.caCertificate())).verify(envelope.bytes());

      assertThat(result).isInstanceOf(VerificationResult.Verified.class);
      assertThat(keys.gateway()).isEqualTo("gw-dev");
      assertThat(keys.site()).isEqualTo("plant-dev");
    }
  }

  @Test
  void gatewayIdentityKeyStore_certifiesSessionKeysThatVerify() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(pkiDirectory);
    IssuedCertificate issued = pki.gatewayIdentity("gw-dev", "plant-dev");

    try (Vault vault =
        Vaults.open(new VaultConfig.Software(issued.keyStoreFile(), pki.password()))) {
      signAndVerify(vault.identity(issued.name()), pki, state);
    }
  }

  @Test
  void gatewayRequestOfVaultKey_certifiesSessionKeysThatVerify() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(pkiDirectory);
    try (Vault vault =
        Vaults.open(
            new VaultConfig.Software(state.resolve("vault.p12"), "vault-password".toCharArray()))) {
      Identity identity = vault.generateIdentity("gateway", "CN=gw-dev,OU=plant-dev");
      identity.installCertificateChain(
          pki.signGatewayRequest(identity.createCsr("CN=gw-dev,OU=plant-dev")));

      signAndVerify(identity, pki, state);
    }
  }
}
