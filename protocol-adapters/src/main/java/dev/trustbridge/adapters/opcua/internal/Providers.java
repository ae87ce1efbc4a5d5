package dev.trustbridge.adapters.opcua.internal;

import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The JCA providers Milo's security policies need. */
public final class Providers {

  private Providers() {}

  /**
   * Registers Bouncy Castle after the JDK's providers: Milo asks for "SHA256withRSA/PSS"
   * (Aes256_Sha256_RsaPss), a name only Bouncy Castle serves.
   */
  public static synchronized void ensureBouncyCastle() {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }
}
