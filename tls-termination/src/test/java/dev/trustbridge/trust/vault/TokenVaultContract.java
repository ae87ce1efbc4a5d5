package dev.trustbridge.trust.vault;

import dev.trustbridge.sim.tokens.TokenRig;
import java.nio.file.Path;

/** The vault contract on one of the rig's PKCS#11 tokens, both labelled {@code trustbridge}. */
abstract class TokenVaultContract extends VaultContract {

  /** The PKCS#11 module that serves the token. */
  abstract Path module();

  private VaultConfig token(Path module, char[] pin) {
    return new VaultConfig.Pkcs11(
        Pkcs11Uri.parse("pkcs11:token=" + TokenRig.TOKEN_LABEL + "?module-path=" + module), pin);
  }

  @Override
  VaultConfig config() {
    TokenRig.require();
    return token(module(), TokenRig.userPin());
  }

  @Override
  VaultConfig configWithWrongPin() {
    return token(module(), "wrong-pin-0000".toCharArray());
  }

  @Override
  VaultConfig unavailableConfig() {
    return token(module().resolveSibling("libmissing-pkcs11.so"), TokenRig.userPin());
  }

  @Override
  boolean isToken() {
    return true;
  }

  @Override
  String secret() {
    return new String(TokenRig.userPin());
  }
}
