package dev.trustbridge.runtime.outbox;

import dev.trustbridge.runtime.config.OutboxSettings;
import dev.trustbridge.runtime.config.OutboxSettings.KeyProtection;
import dev.trustbridge.trust.atrest.DataKey;
import dev.trustbridge.trust.atrest.KeySealer;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.VaultException;
import java.nio.file.Path;

/**
 * Opens the data key of the outbox store, protected as configured: sealed by the TPM when the vault
 * is a TPM (tpm2-pkcs11), wrapped by a non-extractable key of any other token, or wrapped by a key
 * of the software key store in development.
 */
public final class DataKeyProtection {

  /** The name of the data key file in the state directory. */
  public static final String FILE_NAME = "outbox.key";

  /** The alias of the wrapping key in a token or software vault. */
  public static final String WRAPPING_KEY_ALIAS = "trustbridge-data";

  private DataKeyProtection() {}

  /**
   * Opens (or on first use creates) the data key in {@code stateDirectory}.
   *
   * @throws VaultException if the protection does not fit the vault, or the key cannot be unsealed
   */
  public static DataKey open(
      OutboxSettings settings, VaultConfig vaultConfig, Vault vault, Path stateDirectory)
      throws VaultException {
    return DataKey.open(
        stateDirectory.resolve(FILE_NAME), sealer(settings, vaultConfig, vault, stateDirectory));
  }

  private static KeySealer sealer(
      OutboxSettings settings, VaultConfig vaultConfig, Vault vault, Path stateDirectory)
      throws VaultException {
    KeyProtection protection = settings.keyProtection();
    if (protection == KeyProtection.AUTO) {
      protection =
          !vault.isHardware()
              ? KeyProtection.SOFTWARE
              : vaultConfig.isTpm() ? KeyProtection.TPM : KeyProtection.TOKEN;
    }
    return switch (protection) {
      case TPM -> KeySealer.tpm(settings.tcti(), stateDirectory.resolve("tpm-work"));
      case TOKEN -> {
        if (!vault.isHardware()) {
          throw new VaultException(
              VaultException.Reason.BACKEND_UNAVAILABLE,
              "outbox.dataKey.protection token needs a PKCS#11 vault, not " + vault.description());
        }
        yield vault.keySealer(WRAPPING_KEY_ALIAS);
      }
      case SOFTWARE -> {
        if (vault.isHardware()) {
          throw new VaultException(
              VaultException.Reason.BACKEND_UNAVAILABLE,
              "outbox.dataKey.protection software needs the software vault; with "
                  + vault.description()
                  + " use token or tpm");
        }
        yield vault.keySealer(WRAPPING_KEY_ALIAS);
      }
      case AUTO -> throw new IllegalStateException("resolved above");
    };
  }
}
