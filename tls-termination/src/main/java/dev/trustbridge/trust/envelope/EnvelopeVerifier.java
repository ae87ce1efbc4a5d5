package dev.trustbridge.trust.envelope;

import dev.trustbridge.trust.envelope.internal.EnvelopeVerifierImpl;
import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * Verifies envelopes for consumers on the IT side: format, signature, certificate chain, gateway
 * identity, and continuity of each stream.
 *
 * <p>The chain is validated with PKIX ({@code CertPathValidator}, revocation checking off) against
 * the trust roots <b>at the envelope's gateway time</b>, not at the verifier's: envelopes wait in
 * the gateway's outbox through broker outages far longer than a session certificate lives, and must
 * still verify when they arrive. A stolen session key therefore signs nothing that verifies outside
 * its certificate's validity, which the identity key fixed when it was issued. The session
 * certificate must have its profile and be issued by a certificate with the identity profile (see
 * {@link SessionKeys}); the payload's gateway and site must be that identity certificate's CN and
 * OU.
 *
 * <p>The verifier is stateful: it follows each stream ({@link StreamId}) in memory from the first
 * envelope it sees of it, and reports duplicates, replays, gaps, reorders and forks; a new boot
 * epoch with continuing sequence numbers is normal. Verifying the envelopes of one stream on
 * several verifiers splits that view. Thread-safe.
 */
public interface EnvelopeVerifier {

  /**
   * A verifier that trusts chains ending at one of these roots (the fleet CA certificates).
   *
   * @throws IllegalArgumentException if no root is given
   */
  static EnvelopeVerifier create(Collection<X509Certificate> trustRoots) {
    return new EnvelopeVerifierImpl(trustRoots);
  }

  /**
   * Verifies one envelope and, if it is authentic, advances its stream.
   *
   * @param envelope the bytes as received
   */
  VerificationResult verify(byte[] envelope);

  /**
   * Learns the chains of a gateway's {@code $certs} document (see {@link
   * SessionKeys#chainsDocument()}) for envelopes in {@link ChainMode#PUBLISHED} mode. Chains learnt
   * are kept; they are validated, like embedded ones, when an envelope uses them.
   *
   * @return how many chains the document held
   * @throws EnvelopeException {@code CHAINS_DOCUMENT} if the document cannot be read, or a key's
   *     {@code kid} is not the thumbprint of its first certificate
   */
  int addPublishedChains(byte[] document) throws EnvelopeException;

  /**
   * Verifies a statement signed with {@link SessionKeys#signStatement}: its {@code typ}, signature,
   * embedded chain to a trust root valid at the statement's {@code time}, and that the {@code site}
   * and {@code gateway} it names are those of the identity certificate.
   *
   * @throws EnvelopeException {@code STATEMENT_REJECTED} with the reason if any check fails
   */
  SignedStatement verifyStatement(byte[] statement, String type) throws EnvelopeException;
}
