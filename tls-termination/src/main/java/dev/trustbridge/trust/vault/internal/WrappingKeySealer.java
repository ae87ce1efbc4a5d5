package dev.trustbridge.trust.vault.internal;

import dev.trustbridge.trust.atrest.KeySealer;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;

/**
 * Wraps secrets with an AES key of a vault in CBC mode with PKCS#7 padding, the one AES mode that
 * tokens commonly offer (tpm2-pkcs11 and SoftHSM2 have no GCM in common). The wrapped form has no
 * integrity of its own; {@link dev.trustbridge.trust.atrest.DataKey} checks what it unwraps.
 */
final class WrappingKeySealer implements KeySealer {

  private static final String TRANSFORMATION = "AES/CBC/PKCS5Padding";
  private static final int IV_LENGTH = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;
  private final Provider provider;
  private final String keyUri;
  private final boolean hardware;

  WrappingKeySealer(SecretKey key, Provider provider, String keyUri, boolean hardware) {
    this.key = key;
    this.provider = provider;
    this.keyUri = keyUri;
    this.hardware = hardware;
  }

  @Override
  public byte[] seal(byte[] secret) throws VaultException {
    byte[] iv = new byte[IV_LENGTH];
    RANDOM.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION, provider);
      cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      byte[] wrapped = cipher.doFinal(secret);
      byte[] sealed = Arrays.copyOf(iv, IV_LENGTH + wrapped.length);
      System.arraycopy(wrapped, 0, sealed, IV_LENGTH, wrapped.length);
      return sealed;
    } catch (GeneralSecurityException | ProviderException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED,
          "cannot wrap a secret with " + keyUri + ": " + KeyStoreVault.rootMessage(e),
          e);
    }
  }

  @Override
  public byte[] unseal(byte[] sealed) throws VaultException {
    if (sealed.length <= IV_LENGTH) {
      throw new VaultException(Reason.OPERATION_FAILED, "the wrapped secret is truncated");
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION, provider);
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(Arrays.copyOf(sealed, IV_LENGTH)));
      return cipher.doFinal(sealed, IV_LENGTH, sealed.length - IV_LENGTH);
    } catch (GeneralSecurityException | ProviderException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED,
          "cannot unwrap a secret with " + keyUri + ": " + KeyStoreVault.rootMessage(e),
          e);
    }
  }

  @Override
  public String description() {
    return (hardware ? "wrapped by the token key " : "wrapped by the software key ") + keyUri;
  }

  @Override
  public boolean isHardware() {
    return hardware;
  }
}
