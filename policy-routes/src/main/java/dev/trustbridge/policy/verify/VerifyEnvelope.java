package dev.trustbridge.policy.verify;

import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.VerificationResult;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The cloud-side verification step of a Camel route: checks the envelope in the message body
 * against the fleet CA and the device's stream, and replaces the body by its {@link
 * VerificationReport} JSON line. Sets the header {@link #RESULT} to {@code VERIFIED} or the failure
 * kind, so that routes can branch on it. Bind one instance per verifier process: it keeps the
 * stream state of every device it has seen.
 */
public final class VerifyEnvelope implements Processor {

  /** Header with {@code VERIFIED} or the failure kind ({@code String}). */
  public static final String RESULT = "TrustBridgeVerification";

  private final EnvelopeVerifier verifier;

  public VerifyEnvelope(EnvelopeVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void process(Exchange exchange) throws InvalidPayloadException {
    Message message = exchange.getMessage();
    VerificationResult result = verifier.verify(message.getMandatoryBody(byte[].class));
    message.setHeader(RESULT, VerificationReport.outcome(result));
    message.setBody(VerificationReport.json(result));
  }
}
