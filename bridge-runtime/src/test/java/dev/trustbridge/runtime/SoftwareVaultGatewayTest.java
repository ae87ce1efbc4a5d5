package dev.trustbridge.runtime;

import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.pki.DevelopmentPki;

/** The telemetry path with the gateway's key in a development key store. */
class SoftwareVaultGatewayTest extends GatewayIntegrationTest {

  SoftwareVaultGatewayTest(EmbeddedBroker broker, DevelopmentPki pki) {
    super(broker, pki);
  }

  @Override
  String securityAndVault(DevelopmentPki pki) {
    return """
        security:
          mode: development
        vault:
          type: software
          keyStore: %s
          password: ${file:%s}
          alias: gateway
        """
        .formatted(pki.clientCertificate("gateway").keyStoreFile(), pki.passwordFile());
  }

  @Override
  boolean hardwareVault() {
    return false;
  }
}
