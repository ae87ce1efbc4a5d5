package dev.trustbridge.adapters.opcua;

import dev.trustbridge.trust.atrest.DataKey;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.Vaults;
import java.nio.file.Path;

/** A data key wrapped by a software vault in a test directory, as a development gateway has. */
final class TestDataKeys {

  private TestDataKeys() {}

  static DataKey software(Path directory) throws Exception {
    try (Vault vault =
        Vaults.open(
            new VaultConfig.Software(directory.resolve("vault.p12"), "changeit".toCharArray()))) {
      return DataKey.open(directory.resolve("outbox.key"), vault.keySealer("trustbridge-data"));
    }
  }
}
