package dev.trustbridge.trust.vault;

import dev.trustbridge.trust.atrest.KeySealer;
import java.util.Optional;

/**
 * A key backend: a PKCS#11 token (a TPM through tpm2-pkcs11, an HSM, SoftHSM2) or, for development
 * only, a software keystore. Keys are generated inside the vault and used through {@link Identity}
 * handles. Open one with {@link Vaults#open(VaultConfig)}.
 *
 * <p>Security guarantees: with a token backend the private key is generated on the token as a
 * sensitive, non-extractable object and every signature is computed there; the software backend
 * gives none of this and says so through {@link #isHardware()}.
 */
public interface Vault extends AutoCloseable {

  /** {@code pkcs11} or {@code software}. */
  String backend();

  /** What this vault is, for logs and {@code keys show}; never contains a secret. */
  String description();

  /** Whether keys are held by a hardware or token backend that does not let them out. */
  boolean isHardware();

  /**
   * Generates a new EC P-256 identity key inside the vault, with a self-signed placeholder
   * certificate for {@code subject}.
   *
   * @param subject an RFC 4514 name such as {@code CN=gw-01,OU=plant-a}
   * @throws VaultException {@code KEY_EXISTS} if the alias is taken: keys are never overwritten
   */
  Identity generateIdentity(String alias, String subject) throws VaultException;

  /** The identity with that alias, if the vault holds it. */
  Optional<Identity> findIdentity(String alias) throws VaultException;

  /**
   * The identity with that alias.
   *
   * @throws VaultException {@code KEY_NOT_FOUND} if there is none
   */
  default Identity identity(String alias) throws VaultException {
    Optional<Identity> identity = findIdentity(alias);
    if (identity.isEmpty()) {
      throw new VaultException(
          VaultException.Reason.KEY_NOT_FOUND,
          "no identity key '"
              + alias
              + "' in "
              + description()
              + "; create it with 'trustbridge keys init'");
    }
    return identity.get();
  }

  /**
   * A {@link KeySealer} that wraps secrets with the AES key {@code alias} of this vault, generated
   * on first use: on a token a sensitive, non-extractable token object; in the software vault an
   * entry of its key store, which protects nothing that the key store file does not.
   *
   * @throws VaultException {@code OPERATION_FAILED} if the backend cannot hold such a key (a TPM
   *     through tpm2-pkcs11 cannot generate one: seal with {@link KeySealer#tpm} there)
   */
  KeySealer keySealer(String alias) throws VaultException;

  /** Logs out and forgets the PIN or password. */
  @Override
  void close();
}
