package dev.trustbridge.trust.vault;

import dev.trustbridge.sim.tokens.TokenRig;
import java.nio.file.Path;

/** The contract on the rig's tpm2-pkcs11 token: keys inside swtpm. */
class TpmVaultTest extends TokenVaultContract {

  @Override
  Path module() {
    return TokenRig.TPM2_MODULE;
  }
}
