package dev.trustbridge.trust.envelope.internal;

import dev.trustbridge.trust.envelope.VerificationResult.Failure;

/** An envelope failed a check; carries the failure kind up to the verifier's result. */
final class Rejection extends Exception {

  private static final long serialVersionUID = 1L;

  private final Failure failure;

  Rejection(Failure failure, String detail) {
    // rejections are answers, not errors: no stack trace to fill for every bad envelope
    super(detail, null, false, false);
    this.failure = failure;
  }

  Failure failure() {
    return failure;
  }
}
