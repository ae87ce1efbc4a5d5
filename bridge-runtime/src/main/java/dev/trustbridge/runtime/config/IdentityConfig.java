package dev.trustbridge.runtime.config;

import dev.trustbridge.trust.vault.VaultConfig;

/**
 * Where the gateway's identity key lives.
 *
 * @param vault how to open the vault; holds the PIN or password until cleared
 * @param alias the identity key's alias (PKCS#11 object label) in the vault
 */
public record IdentityConfig(VaultConfig vault, String alias) {}
