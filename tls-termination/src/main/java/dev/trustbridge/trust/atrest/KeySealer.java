package dev.trustbridge.trust.atrest;

import dev.trustbridge.trust.atrest.internal.TpmKeySealer;
import dev.trustbridge.trust.vault.VaultException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Protects a small secret, such as a {@link DataKey}, so that the protected form can be stored on
 * disk and only this device can recover it: sealed by the TPM, wrapped by a non-extractable token
 * key, or (development only) wrapped by a key in the software key store.
 */
public interface KeySealer {

  /**
   * Seals a secret with the TPM through tpm2-tools: a sealed data object under the owner
   * hierarchy's primary key, which only this TPM can load and unseal.
   *
   * @param tcti the TPM connection ({@code device:/dev/tpmrm0}, {@code tabrmd:bus_type=session});
   *     empty uses tpm2-tools' default, {@code TPM2TOOLS_TCTI} or the kernel resource manager
   * @param workDirectory where the TPM object contexts live while a tool runs (never the secret)
   */
  static KeySealer tpm(Optional<String> tcti, Path workDirectory) {
    return new TpmKeySealer(tcti, workDirectory);
  }

  /**
   * The protected form of {@code secret}.
   *
   * @throws VaultException {@code BACKEND_UNAVAILABLE} or {@code OPERATION_FAILED}
   */
  byte[] seal(byte[] secret) throws VaultException;

  /**
   * The secret that {@link #seal} protected.
   *
   * @throws VaultException {@code OPERATION_FAILED} if this backend cannot recover it: another TPM
   *     or token, a missing wrapping key, or altered bytes
   */
  byte[] unseal(byte[] sealed) throws VaultException;

  /** How secrets are protected, for logs, health and {@code outbox status}; no secret in it. */
  String description();

  /** Whether the protection is a TPM or token that does not let its key out. */
  boolean isHardware();
}
