package dev.trustbridge.trust.envelope;

/** How an envelope names the certificate chain of its signing key. */
public enum ChainMode {
  /**
   * The protected header carries the chain in {@code x5c}: every envelope verifies on its own, at
   * the cost of about 3 KB per envelope with a three-certificate chain.
   */
  EMBEDDED,
  /**
   * The protected header carries only the chain's thumbprint {@code x5t#S256}; the chain travels in
   * the document of {@link SessionKeys#chainsDocument()}, published retained on {@code
   * tb/v1/{site}/{gateway}/$certs}, and verifiers must be given it.
   */
  PUBLISHED
}
