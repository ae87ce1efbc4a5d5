package dev.trustbridge.trust.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SoftwareVaultTest extends VaultContract {

  private static final String PASSWORD = "development-password-1";

  @TempDir Path directory;

  @Override
  VaultConfig config() {
    return new VaultConfig.Software(directory.resolve("identity.p12"), PASSWORD.toCharArray());
  }

  @Override
  VaultConfig configWithWrongPin() {
    return new VaultConfig.Software(
        directory.resolve("identity.p12"), "not-the-password".toCharArray());
  }

  @Override
  VaultConfig unavailableConfig() {
    Path garbage = directory.resolve("garbage.p12");
    try {
      Files.writeString(garbage, "this is not a PKCS#12 file");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new VaultConfig.Software(garbage, PASSWORD.toCharArray());
  }

  @Override
  boolean isToken() {
    return false;
  }

  @Override
  String secret() {
    return PASSWORD;
  }
}
