package dev.trustbridge.runtime.demo;

import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Pkcs11Uri;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.Vaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo gateway's identity: by default the development key store that the demo PKI issued; with
 * a token, a key generated inside the token and certified by the demo CA on first use.
 */
final class DemoVault {

  private static final Logger LOG = LoggerFactory.getLogger(DemoVault.class);
  private static final String GATEWAY = "demo-gw";
  private static final String SITE = "demo-plant";
  private static final String SUBJECT = "CN=" + GATEWAY + ",OU=" + SITE;
  private static final String TOKEN_ALIAS = "trustbridge-demo";

  private DemoVault() {}

  /** The {@code vault} section for the demo gateway's development identity from the demo PKI. */
  static String softwareSection(DevelopmentPki pki) {
    IssuedCertificate identity = pki.gatewayIdentity(GATEWAY, SITE);
    return """
        vault:
          type: software
          keyStore: ../pki/%s
          password: ${file:../pki/keystore-password}
          alias: %s
        """
        .formatted(identity.keyStoreFile().getFileName(), identity.name());
  }

  /**
   * Makes sure the token holds an identity certified by the demo CA, and returns the {@code vault}
   * section that names it.
   */
  static String tokenSection(String uri, Path pinFile, DevelopmentPki pki)
      throws VaultException, IOException {
    Pkcs11Uri token = Pkcs11Uri.parse(uri);
    String alias = token.object().orElse(TOKEN_ALIAS);
    char[] pin = Files.readString(pinFile).strip().toCharArray();
    try (Vault vault = Vaults.open(new VaultConfig.Pkcs11(token, pin))) {
      Identity identity =
          vault.findIdentity(alias).isPresent()
              ? vault.identity(alias)
              : vault.generateIdentity(alias, SUBJECT);
      if (!certifiedBy(identity, pki)) {
        identity.installCertificateChain(pki.signGatewayRequest(identity.createCsr(SUBJECT)));
        LOG.info("demo identity certified by the demo CA key={}", identity.keyUri());
      }
      return """
          vault:
            type: pkcs11
            uri: "%s"
            pin: ${file:%s}
          """
          .formatted(token.objectUri(alias, "private"), pinFile.toAbsolutePath());
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  private static boolean certifiedBy(Identity identity, DevelopmentPki pki) {
    X509Certificate leaf = identity.certificateChain().get(0);
    // enrolled as a gateway identity (the issuer of its session certificates) by this demo CA
    if (!identity.isEnrolled() || leaf.getBasicConstraints() != 0) {
      return false;
    }
    try {
      leaf.verify(pki.caCertificate().getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
