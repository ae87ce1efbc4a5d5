package dev.trustbridge.runtime;

import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.tokens.TokenRig;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Pkcs11Uri;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.Vaults;
import java.util.UUID;

/**
 * The telemetry path in production mode with the gateway's key generated inside the TPM (swtpm
 * through tpm2-pkcs11) and certified by the broker's CA: the uplink's TLS signatures come from the
 * TPM.
 */
class TpmVaultGatewayTest extends GatewayIntegrationTest {

  TpmVaultGatewayTest(EmbeddedBroker broker, DevelopmentPki pki) {
    super(broker, pki);
  }

  @Override
  String securityAndVault(DevelopmentPki pki) throws Exception {
    TokenRig.require();
    String alias = "gw-" + UUID.randomUUID().toString().substring(0, 8);
    Pkcs11Uri token =
        Pkcs11Uri.parse(
            "pkcs11:token=trustbridge;object=" + alias + "?module-path=" + TokenRig.TPM2_MODULE);
    try (Vault vault = Vaults.open(new VaultConfig.Pkcs11(token, TokenRig.userPin()))) {
      Identity identity = vault.generateIdentity(alias, "CN=it-gw,OU=it-site");
      identity.installCertificateChain(
          pki.signGatewayRequest(identity.createCsr("CN=it-gw,OU=it-site")));
    }
    return """
        security:
          mode: production
        vault:
          type: pkcs11
          uri: "%s"
          pin: ${file:%s}
        """
        .formatted(token.objectUri(alias, "private"), TokenRig.userPinFile());
  }

  @Override
  boolean hardwareVault() {
    return true;
  }
}
