package dev.trustbridge.trust.vault;

import dev.trustbridge.sim.tokens.TokenRig;

/** The contract on a SoftHSM2 token of the rig. */
class SoftHsmVaultTest extends VaultContract {

  @Override
  VaultConfig config() {
    TokenRig.require();
    return new VaultConfig.Pkcs11(
        Pkcs11Uri.parse("pkcs11:token=trustbridge?module-path=" + TokenRig.SOFTHSM_MODULE),
        TokenRig.userPin());
  }

  @Override
  VaultConfig configWithWrongPin() {
    return new VaultConfig.Pkcs11(
        Pkcs11Uri.parse("pkcs11:token=trustbridge?module-path=" + TokenRig.SOFTHSM_MODULE),
        "wrong-pin-0000".toCharArray());
  }

  @Override
  VaultConfig unavailableConfig() {
    return new VaultConfig.Pkcs11(
        Pkcs11Uri.parse("pkcs11:token=trustbridge?module-path=/usr/lib/softhsm/libmissing.so"),
        TokenRig.userPin());
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
