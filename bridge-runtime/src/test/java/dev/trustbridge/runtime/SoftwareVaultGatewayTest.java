package dev.trustbridge.runtime;

import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;

/** The telemetry path with the gateway's key in a development key store. */
class SoftwareVaultGatewayTest extends GatewayIntegrationTest {

  SoftwareVaultGatewayTest(EmbeddedBroker broker, DevelopmentPki pki) {
    super(broker, pki);
  }

  @Override
  String securityAndVault(DevelopmentPki pki) {
    IssuedCertificate identity = pki.gatewayIdentity("it-gw", "it-site");
    return """
        security:
          mode: development
        vault:
          type: software
          keyStore: %s
          password: ${file:%s}
          alias: %s
        """
        .formatted(identity.keyStoreFile(), pki.passwordFile(), identity.name());
  }

  @Override
  boolean hardwareVault() {
    return false;
  }
}
