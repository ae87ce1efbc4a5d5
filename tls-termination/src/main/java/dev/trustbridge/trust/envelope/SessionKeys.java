package dev.trustbridge.trust.envelope;

import dev.trustbridge.trust.envelope.internal.SessionKeysImpl;
import dev.trustbridge.trust.vault.Identity;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Short-lived session keys certified by the gateway's identity key, so that the vault (a TPM signs
 * in tens of milliseconds) signs once per session certificate instead of once per envelope.
 *
 * <p>A session key is an EC P-256 key generated in memory and never written anywhere. Its
 * certificate is issued by the identity key: issuer = the identity certificate's subject, subject
 * {@code CN=<gateway>-session-<n>,OU=<site>}, a random 128-bit serial, validity from one minute
 * back until the lifetime has passed (never beyond the identity certificate), basicConstraints
 * CA:false and keyUsage digitalSignature, both critical. A new key is certified in the background
 * once 80% of the lifetime has passed, so signing never waits for the vault; if that fails, the
 * current key goes on signing until it expires, the failure is logged and retried every 1/60 of the
 * lifetime (between 1 s and 1 min).
 *
 * <p><b>Identity certificate profile.</b> To issue session certificates that standard PKIX
 * validation accepts, the identity certificate (the first of {@link Identity#certificateChain()})
 * must be issued by the fleet CA with:
 *
 * <ul>
 *   <li>basicConstraints {@code CA:true, pathLenConstraint 0}: it may issue end-entity session
 *       certificates and nothing else;
 *   <li>keyUsage {@code keyCertSign} and {@code digitalSignature} (the latter for mutual TLS);
 *   <li>extendedKeyUsage {@code clientAuth};
 *   <li>a subject with exactly one CN, the gateway id, and exactly one OU, the site id.
 * </ul>
 *
 * The fleet CA's own path length constraint, if any, must leave room for this level. {@link #start}
 * refuses an identity without this profile, and {@link EnvelopeVerifier} checks exactly these
 * properties of the certificate that issued an envelope's session certificate.
 */
public interface SessionKeys extends AutoCloseable {

  /** The default lifetime of a session certificate. */
  Duration DEFAULT_LIFETIME = Duration.ofHours(1);

  /**
   * The longest validity (notAfter − notBefore) of a session certificate; verifiers reject longer
   * ones, so a lifetime may be at most this less the minute of back-dating.
   */
  Duration MAX_VALIDITY = Duration.ofHours(24);

  /**
   * Starts with the default lifetime and the system clock; see {@link #start(Identity, Duration,
   * Clock)}.
   */
  static SessionKeys start(Identity identity) throws EnvelopeException {
    return start(identity, DEFAULT_LIFETIME, Clock.systemUTC());
  }

  /**
   * Certifies a first session key with the identity, then keeps one ready.
   *
   * @param lifetime how long a session certificate is valid from its issue
   * @param clock the time source of certificates, rotation and the envelopes signed with the keys
   * @throws EnvelopeException {@code IDENTITY_PROFILE} if the identity certificate lacks the
   *     profile above, {@code CERTIFICATION_FAILED} if the vault cannot sign
   * @throws IllegalArgumentException if the lifetime is under a minute or longer than {@link
   *     #MAX_VALIDITY} allows
   */
  static SessionKeys start(Identity identity, Duration lifetime, Clock clock)
      throws EnvelopeException {
    return SessionKeysImpl.start(identity, lifetime, clock);
  }

  /**
   * Signs a statement of the gateway that is not an envelope, such as attestation evidence or a
   * command result: a JWS of the envelope family (flattened JSON, {@code ES256}, the chain in
   * {@code x5c}) with {@code typ} {@code type}. The payload should be a JSON object naming {@code
   * site}, {@code gateway} and {@code time}, which {@link EnvelopeVerifier#verifyStatement} checks.
   *
   * @throws EnvelopeException {@code NO_SESSION_KEY} if no valid session key is at hand
   */
  byte[] signStatement(String type, byte[] payload) throws EnvelopeException;

  /** The site, from the identity certificate's OU. */
  String site();

  /** The gateway id, from the identity certificate's CN. */
  String gateway();

  /** The chain of the key that signs now: its session certificate, then the identity's chain. */
  List<X509Certificate> currentChain();

  /**
   * The document to publish retained on {@code tb/v1/{site}/{gateway}/$certs} for {@link
   * ChainMode#PUBLISHED}: a JWK Set (RFC 7517) with one EC public key per session certificate that
   * is valid or expired less than a day ago, each with {@code kid} and {@code x5t#S256} = the
   * session certificate's thumbprint and {@code x5c} = its chain. Certificates of earlier runs of
   * the gateway are not in it.
   */
  byte[] chainsDocument();

  /**
   * Certifies a new session key now, or joins the rotation under way.
   *
   * @return completes with the new chain once the new key signs, or exceptionally with an {@link
   *     EnvelopeException}; the current key stays in use then
   */
  CompletionStage<List<X509Certificate>> rotate();

  /**
   * Adds a listener called on the rotation thread with each new chain, after it is certified and
   * before the new key signs anything: the moment to publish {@link #chainsDocument()} again. A
   * listener's exception is logged and does not stop the rotation.
   */
  void onRotation(Consumer<List<X509Certificate>> listener);

  /** Stops rotating and forgets the keys. */
  @Override
  void close();
}
