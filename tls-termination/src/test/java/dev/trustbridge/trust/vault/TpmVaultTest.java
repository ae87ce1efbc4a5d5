package dev.trustbridge.trust.vault;

import dev.trustbridge.sim.tokens.TokenRig;

/** The contract on the rig's tpm2-pkcs11 token, a key inside swtpm. */
class TpmVaultTest extends VaultContract {

  @Override
  VaultConfig config() {
    TokenRig.require();
    return new VaultConfig.Pkcs11(
        Pkcs11Uri.parse("pkcs11:token=trustbridge?module-path=" + TokenRig.TPM2_MODULE),
        TokenRig.userPin());
  }

  @Override
  VaultConfig configWithWrongPin() {
    return new VaultConfig.Pkcs11(
        Pkcs11Uri.parse("pkcs11:token=trustbridge?module-path=" + TokenRig.TPM2_MODULE),
        "wrong-pin-0000".toCharArray());
  }

  @Override
  VaultConfig unavailableConfig() {
    return new VaultConfig.Pkcs11(
        Pkcs11Uri.parse(
            "pkcs11:token=trustbridge?module-path=/usr/lib/x86_64-linux-gnu/pkcs11/libmissing.so"),
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
