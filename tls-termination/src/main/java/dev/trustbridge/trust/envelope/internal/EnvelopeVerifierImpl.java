package dev.trustbridge.trust.envelope.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.util.Base64;
import dev.trustbridge.trust.envelope.EnvelopeContent;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.SignedStatement;
import dev.trustbridge.trust.envelope.StreamId;
import dev.trustbridge.trust.envelope.VerificationResult;
import dev.trustbridge.trust.envelope.VerificationResult.Failed;
import dev.trustbridge.trust.envelope.VerificationResult.Failure;
import dev.trustbridge.trust.envelope.VerificationResult.Verified;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies in this order, so that each failure names the first thing wrong: format and header,
 * chain lookup, signature, payload, chain validity at the gateway time and profiles, gateway
 * identity, stream continuity.
 */
public final class EnvelopeVerifierImpl implements EnvelopeVerifier {

  private final ChainValidator chains;
  private final StreamTracker tracker = new StreamTracker();
  private final Map<String, List<Base64>> publishedChains = new ConcurrentHashMap<>();

  public EnvelopeVerifierImpl(Collection<X509Certificate> trustRoots) {
    this.chains = new ChainValidator(trustRoots);
  }

  @Override
  public int addPublishedChains(byte[] document) throws EnvelopeException {
    Map<String, List<Base64>> read = ChainsDocument.read(document);
    publishedChains.putAll(read);
    return read.size();
  }

  @Override
  public SignedStatement verifyStatement(byte[] statement, String type) throws EnvelopeException {
    try {
      EnvelopeFormat.Parsed parsed = EnvelopeFormat.parse(statement, type);
      if (parsed.x5c().isEmpty()) {
        throw new Rejection(Failure.UNKNOWN_CHAIN, "a statement must embed its chain in x5c");
      }
      EnvelopeFormat.StatementHeader named = EnvelopeFormat.readStatementHeader(parsed.payload());
      ChainValidator.Chain chain = chains.check(parsed.x5c());
      verifySignature(chain, parsed);
      chain.requireValidAt(named.time());
      requireIdentity(chain, named.site(), named.gateway());
      return new SignedStatement(
          type,
          named.site(),
          named.gateway(),
          named.time(),
          parsed.payload(),
          chain.certificates());
    } catch (Rejection e) {
      throw new EnvelopeException(
          EnvelopeException.Reason.STATEMENT_REJECTED,
          type + " rejected (" + e.failure() + "): " + e.getMessage());
    }
  }

  @Override
  public VerificationResult verify(byte[] envelope) {
    EnvelopeFormat.Parsed parsed;
    try {
      parsed = EnvelopeFormat.parse(envelope);
    } catch (Rejection e) {
      return failed(e, Optional.empty());
    }
    EnvelopeFormat.Payload payload = null;
    Rejection payloadProblem = null;
    try {
      payload = EnvelopeFormat.readPayload(parsed.payload());
    } catch (Rejection e) {
      payloadProblem = e;
    }
    Optional<StreamId> claimed = Optional.ofNullable(payload).map(EnvelopeFormat.Payload::stream);
    ChainValidator.Chain chain;
    try {
      chain = chains.check(x5c(parsed));
      verifySignature(chain, parsed);
      if (payloadProblem != null) {
        throw payloadProblem;
      }
      chain.requireValidAt(payload.time());
      requireIdentity(chain, payload.stream().site(), payload.stream().gateway());
    } catch (Rejection e) {
      return failed(e, claimed);
    }
    String hash = EnvelopeFormat.hash(parsed.signingInput());
    EnvelopeContent content =
        new EnvelopeContent(
            payload.stream(),
            payload.epoch(),
            payload.seq(),
            Optional.ofNullable(payload.prev()),
            hash,
            payload.time(),
            payload.samples(),
            payload.dropped(),
            chain.certificates());
    StreamTracker.Step step = tracker.accept(payload.stream(), payload.seq(), payload.prev(), hash);
    if (step.failure() == null) {
      return new Verified(content);
    }
    return new Failed(step.failure(), step.detail(), claimed, Optional.of(content), step.missing());
  }

  private List<Base64> x5c(EnvelopeFormat.Parsed parsed) throws Rejection {
    if (!parsed.x5c().isEmpty()) {
      return parsed.x5c();
    }
    List<Base64> published = publishedChains.get(parsed.kid());
    if (published == null) {
      throw new Rejection(
          Failure.UNKNOWN_CHAIN,
          "no published chain for x5t#S256 "
              + parsed.kid()
              + ": the gateway's $certs document has not been given to this verifier");
    }
    return published;
  }

  private static void verifySignature(ChainValidator.Chain chain, EnvelopeFormat.Parsed parsed)
      throws Rejection {
    boolean valid;
    try {
      valid =
          chain
              .verifier()
              .verify(
                  parsed.header(),
                  parsed.signingInput().getBytes(StandardCharsets.US_ASCII),
                  parsed.signature());
    } catch (JOSEException e) {
      throw new Rejection(Failure.BAD_SIGNATURE, "signature check failed: " + e.getMessage());
    }
    if (!valid) {
      throw new Rejection(
          Failure.BAD_SIGNATURE,
          "the signature does not verify with the key of "
              + chain.certificates().get(0).getSubjectX500Principal());
    }
  }

  private static void requireIdentity(ChainValidator.Chain chain, String site, String gateway)
      throws Rejection {
    if (!chain.names().gateway().equals(gateway) || !chain.names().site().equals(site)) {
      throw new Rejection(
          Failure.IDENTITY_MISMATCH,
          "the payload names gateway "
              + gateway
              + " of site "
              + site
              + ", but the identity certificate is of gateway "
              + chain.names().gateway()
              + " of site "
              + chain.names().site());
    }
  }

  private static Failed failed(Rejection rejection, Optional<StreamId> claimed) {
    return new Failed(rejection.failure(), rejection.getMessage(), claimed, Optional.empty(), 0);
  }
}
