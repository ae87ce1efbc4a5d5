package dev.trustbridge.benchmarks.load;

import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Pkcs11Uri;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.Vaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the gateway of a run keeps its identity key: the development key store of the harness's CA,
 * or a key generated inside the SoftHSM2 token of the trust rig ({@code scripts/trust-rig.sh start
 * DIR && . DIR/env.sh}) and certified by the same CA. Written as the {@code vault:} section of
 * {@code trustbridge.yaml}.
 */
final class GatewayVaults {

  private static final String RIG = "TRUSTBRIDGE_TRUST_RIG";
  private static final Path SOFTHSM_MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  private static final String TOKEN_LABEL = "trustbridge";

  private final DevelopmentPki pki;
  private String tokenSection;

  GatewayVaults(DevelopmentPki pki) {
    this.pki = pki;
  }

  /** The rig's directory when the rig is set up in this environment. */
  static Optional<Path> rig() {
    return Optional.ofNullable(System.getenv(RIG)).map(Path::of).filter(Files::isDirectory);
  }

  /** The {@code vault:} section for a profile's gateway. */
  String section(Profile profile) throws VaultException {
    return profile == Profile.FULL_SOFTHSM2 ? tokenSection() : softwareSection();
  }

  private String softwareSection() {
    IssuedCertificate identity = pki.gatewayIdentity(PlantFiles.GATEWAY, PlantFiles.SITE);
    return """
        vault:
          type: software
          keyStore: %s
          password: ${file:%s}
          alias: %s
        """
        .formatted(
            identity.keyStoreFile().toAbsolutePath(),
            pki.passwordFile().toAbsolutePath(),
            identity.name());
  }

  /** One key per invocation of the harness, generated on first use; its runs share it. */
  private synchronized String tokenSection() throws VaultException {
    if (tokenSection != null) {
      return tokenSection;
    }
    Path rig =
        rig()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "profile full-softhsm2 needs the token rig: run 'scripts/trust-rig.sh start"
                            + " DIR && . DIR/env.sh' first ("
                            + RIG
                            + " names no directory)"));
    Path pinFile = rig.resolve("user-pin");
    char[] pin;
    try {
      pin = Files.readString(pinFile).strip().toCharArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the rig's user PIN file " + pinFile, e);
    }
    String alias = "load-gw-" + UUID.randomUUID().toString().substring(0, 8);
    String subject = "CN=" + PlantFiles.GATEWAY + ",OU=" + PlantFiles.SITE;
    Pkcs11Uri token =
        Pkcs11Uri.parse("pkcs11:token=" + TOKEN_LABEL + "?module-path=" + SOFTHSM_MODULE);
    try (Vault vault = Vaults.open(new VaultConfig.Pkcs11(token, pin))) {
      Identity identity = vault.generateIdentity(alias, subject);
      identity.installCertificateChain(pki.signGatewayRequest(identity.createCsr(subject)));
    } finally {
      Arrays.fill(pin, '\0');
    }
    tokenSection =
        """
        vault:
          type: pkcs11
          uri: "pkcs11:token=%s;object=%s?module-path=%s"
          pin: ${file:%s}
        """
            .formatted(TOKEN_LABEL, alias, SOFTHSM_MODULE, pinFile);
    return tokenSection;
  }
}
