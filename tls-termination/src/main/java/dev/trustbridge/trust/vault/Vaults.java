package dev.trustbridge.trust.vault;

import dev.trustbridge.trust.vault.internal.Pkcs11Vault;
import dev.trustbridge.trust.vault.internal.SoftwareVault;

/** Opens vaults. */
public final class Vaults {

  private Vaults() {}

  /**
   * Opens the configured backend. A backend that is unavailable fails with {@code
   * BACKEND_UNAVAILABLE}; there is no fallback to another backend.
   */
  public static Vault open(VaultConfig config) throws VaultException {
    if (config instanceof VaultConfig.Pkcs11 pkcs11) {
      return Pkcs11Vault.open(pkcs11);
    }
    return SoftwareVault.open((VaultConfig.Software) config);
  }
}
