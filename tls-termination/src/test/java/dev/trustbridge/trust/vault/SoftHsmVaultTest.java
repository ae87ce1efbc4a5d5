package dev.trustbridge.trust.vault;

import dev.trustbridge.sim.tokens.TokenRig;
import java.nio.file.Path;

/** The contract on the rig's SoftHSM2 token. */
class SoftHsmVaultTest extends TokenVaultContract {

  @Override
  Path module() {
    return TokenRig.SOFTHSM_MODULE;
  }
}
