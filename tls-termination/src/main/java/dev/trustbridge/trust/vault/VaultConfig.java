package dev.trustbridge.trust.vault;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/** How to open a {@link Vault}; the secret is copied in and cleared by {@link #clear()}. */
public sealed interface VaultConfig {

  /** Forgets the PIN or password held by this configuration. */
  void clear();

  /**
   * Whether the vault is a TPM: a PKCS#11 token served by tpm2-pkcs11, whose TPM then also seals
   * data keys, holds PCRs and quotes.
   */
  default boolean isTpm() {
    return this instanceof Pkcs11 pkcs11
        && pkcs11.token().modulePath().getFileName().toString().contains("tpm2");
  }

  /**
   * A PKCS#11 token: a TPM through tpm2-pkcs11, an HSM, or SoftHSM2.
   *
   * @param token the token and its module
   * @param pin the user PIN
   */
  record Pkcs11(Pkcs11Uri token, char[] pin) implements VaultConfig {
    public Pkcs11 {
      Objects.requireNonNull(token, "token");
      pin = pin.clone();
    }

    @Override
    public char[] pin() {
      return pin.clone();
    }

    @Override
    public void clear() {
      Arrays.fill(pin, '\0');
    }

    @Override
    public String toString() {
      return "Pkcs11[token=" + token + ", pin=(redacted)]";
    }
  }

  /**
   * A PKCS#12 file: for development only, the key can be copied with the file and its password.
   *
   * @param keyStore the PKCS#12 file; created when the first key is generated
   * @param password its password
   */
  record Software(Path keyStore, char[] password) implements VaultConfig {
    public Software {
      Objects.requireNonNull(keyStore, "keyStore");
      password = password.clone();
    }

    @Override
    public char[] password() {
      return password.clone();
    }

    @Override
    public void clear() {
      Arrays.fill(password, '\0');
    }

    @Override
    public String toString() {
      return "Software[keyStore=" + keyStore + ", password=(redacted)]";
    }
  }
}
