package dev.trustbridge.trust.envelope;

import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.Vaults;
import java.nio.file.Path;
import java.util.List;

/**
 * A gateway identity in a software vault (a PKCS#12 file), enrolled by a {@link TestPki} with the
 * identity profile.
 */
public final class TestGateway implements AutoCloseable {

  public static final String SUBJECT = "CN=gw-01,OU=plant-a";

  private final Vault vault;
  private final Identity identity;

  private TestGateway(Vault vault, Identity identity) {
    this.vault = vault;
    this.identity = identity;
  }

  public static TestGateway enrolled(Path directory, TestPki pki) throws VaultException {
    return enrolled(directory, pki, SUBJECT);
  }

  public static TestGateway enrolled(Path directory, TestPki pki, String subject)
      throws VaultException {
    Vault vault =
        Vaults.open(
            new VaultConfig.Software(
                directory.resolve("vault.p12"), "test-password".toCharArray()));
    Identity identity = vault.generateIdentity("gateway", subject);
    identity.installCertificateChain(
        List.of(pki.issueIdentity(identity.publicKey(), subject), pki.root()));
    return new TestGateway(vault, identity);
  }

  public Identity identity() {
    return identity;
  }

  @Override
  public void close() {
    vault.close();
  }
}
