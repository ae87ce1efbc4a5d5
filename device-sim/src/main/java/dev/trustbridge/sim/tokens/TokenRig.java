package dev.trustbridge.sim.tokens;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * For tests: the PKCS#11 tokens started by {@code scripts/trust-rig.sh}, SoftHSM2 and tpm2-pkcs11
 * on swtpm, both labelled {@code trustbridge}. A test of a token skips when the rig is absent on a
 * developer machine and fails when {@code CI=true}, because CI must run it.
 */
public final class TokenRig {

  /** The SoftHSM2 PKCS#11 module as Debian installs it. */
  public static final Path SOFTHSM_MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");

  /** The tpm2-pkcs11 module as Debian installs it. */
  public static final Path TPM2_MODULE =
      Path.of("/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so");

  /** The label of both tokens. */
  public static final String TOKEN_LABEL = "trustbridge";

  private TokenRig() {}

  /** The rig directory, or the test is skipped (developer machine) or failed (CI). */
  public static Path require() {
    String rig = System.getenv("TRUSTBRIDGE_TRUST_RIG");
    String why =
        rig == null
            ? "TRUSTBRIDGE_TRUST_RIG is not set"
            : Files.isDirectory(Path.of(rig))
                ? null
                : "TRUSTBRIDGE_TRUST_RIG=" + rig + " is not a directory";
    if (why != null) {
      String message =
          why
              + ": token tests need the rig; run 'scripts/trust-rig.sh install && scripts/trust-rig.sh"
              + " start DIR && . DIR/env.sh' before the tests";
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true but " + message);
      }
      Assumptions.abort(message);
    }
    return Path.of(rig);
  }

  /** The file that holds the user PIN of the rig's tokens. */
  public static Path userPinFile() {
    return require().resolve("user-pin");
  }

  /** The user PIN of the rig's tokens. */
  public static char[] userPin() {
    try {
      return Files.readString(userPinFile()).strip().toCharArray();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the rig's user PIN", e);
    }
  }
}
