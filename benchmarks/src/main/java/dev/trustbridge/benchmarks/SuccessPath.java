package dev.trustbridge.benchmarks;

import dev.trustbridge.trust.envelope.VerificationResult;
import dev.trustbridge.trust.envelope.VerificationResult.Verified;

/** Guards verification benchmarks: a failure path is faster and must never pass for a result. */
final class SuccessPath {

  private SuccessPath() {}

  static VerificationResult require(VerificationResult result) {
    if (!(result instanceof Verified)) {
      throw new IllegalStateException("the benchmark left the success path: " + result);
    }
    return result;
  }
}
