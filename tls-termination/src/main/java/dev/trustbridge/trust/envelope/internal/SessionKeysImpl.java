package dev.trustbridge.trust.envelope.internal;

import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeException.Reason;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.envelope.internal.CertificateProfiles.Names;
import dev.trustbridge.trust.envelope.internal.CertificateProfiles.ProfileException;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.VaultException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Certifies session keys with the identity and rotates them ahead of expiry. */
public final class SessionKeysImpl implements SessionKeys {

  private static final Logger LOG = LoggerFactory.getLogger(SessionKeysImpl.class);
  private static final Duration BACKDATE = Duration.ofMinutes(1);
  private static final Duration KEEP_PUBLISHED = Duration.ofDays(1);
  private static final double RENEW_AT = 0.8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Identity identity;
  private final Duration lifetime;
  private final Duration retryInterval;
  private final Clock clock;
  private final Names names;
  private final ScheduledExecutorService executor;
  private final AtomicLong issued = new AtomicLong();
  private final List<Consumer<List<X509Certificate>>> listeners = new CopyOnWriteArrayList<>();

  private volatile SessionKey current;

  // guarded by this
  private final List<SessionKey> published = new ArrayList<>();
  private CompletableFuture<List<X509Certificate>> rotation;
  private Instant retryAfter = Instant.MIN;
  private ScheduledFuture<?> timer;
  private volatile boolean closed;

  private SessionKeysImpl(Identity identity, Duration lifetime, Clock clock, Names names) {
    this.identity = identity;
    this.lifetime = lifetime;
    this.clock = clock;
    this.names = names;
    long retryMillis = Math.max(1000, Math.min(60_000, lifetime.toMillis() / 60));
    this.retryInterval = Duration.ofMillis(retryMillis);
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "trustbridge-session-keys-" + names.gateway());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** See {@link SessionKeys#start(Identity, Duration, Clock)}. */
  public static SessionKeysImpl start(Identity identity, Duration lifetime, Clock clock)
      throws EnvelopeException {
    if (lifetime.compareTo(Duration.ofMinutes(1)) < 0
        || lifetime.plus(BACKDATE).compareTo(MAX_VALIDITY) > 0) {
      throw new IllegalArgumentException(
          "session key lifetime "
              + lifetime
              + " must be between 1 minute and "
              + MAX_VALIDITY.minus(BACKDATE));
    }
    Names names = identityNames(identity);
    SessionKeysImpl keys = new SessionKeysImpl(identity, lifetime, clock, names);
    try {
      keys.install(keys.certify());
    } catch (EnvelopeException | RuntimeException e) {
      keys.close();
      throw e;
    }
    return keys;
  }

  /** The implementation behind keys from {@link SessionKeys#start}. */
  static SessionKeysImpl of(SessionKeys keys) {
    if (keys instanceof SessionKeysImpl impl) {
      return impl;
    }
    throw new IllegalArgumentException(
        "session keys must come from SessionKeys.start, not " + keys.getClass().getName());
  }

  private static Names identityNames(Identity identity) throws EnvelopeException {
    if (!identity.isEnrolled()) {
      throw new EnvelopeException(
          Reason.IDENTITY_PROFILE,
          "identity '"
              + identity.alias()
              + "' has only its self-signed placeholder: enroll it before signing envelopes");
    }
    try {
      return CertificateProfiles.requireIdentity(identity.certificateChain().get(0));
    } catch (ProfileException e) {
      throw new EnvelopeException(
          Reason.IDENTITY_PROFILE,
          "identity '"
              + identity.alias()
              + "' cannot certify session keys: "
              + e.getMessage()
              + " (see the identity certificate profile in the docs of SessionKeys)");
    }
  }

  @Override
  public String site() {
    return names.site();
  }

  @Override
  public String gateway() {
    return names.gateway();
  }

  Clock clock() {
    return clock;
  }

  @Override
  public List<X509Certificate> currentChain() {
    return current.chain();
  }

  /**
   * The key to sign with at {@code now}; starts a rotation in the background when one is due.
   *
   * @throws EnvelopeException {@code NO_SESSION_KEY} if the key's certificate is not valid at
   *     {@code now}
   */
  SessionKey current(Instant now) throws EnvelopeException {
    if (closed) {
      throw new EnvelopeException(
          Reason.NO_SESSION_KEY, "session keys of gateway " + names.gateway() + " are closed");
    }
    SessionKey key = current;
    boolean valid = !now.isBefore(key.notBefore()) && !now.isAfter(key.notAfter());
    if (!now.isBefore(key.renewAt()) || !valid) {
      rotateIfDue(now);
    }
    if (!valid) {
      throw new EnvelopeException(
          Reason.NO_SESSION_KEY,
          "gateway "
              + names.gateway()
              + ": time "
              + now
              + " is outside the session certificate's validity "
              + key.notBefore()
              + " to "
              + key.notAfter()
              + "; a new session key is being certified");
    }
    return key;
  }

  private void rotateIfDue(Instant now) {
    synchronized (this) {
      if (closed || rotation != null || now.isBefore(retryAfter)) {
        return;
      }
    }
    rotate();
  }

  @Override
  public CompletionStage<List<X509Certificate>> rotate() {
    CompletableFuture<List<X509Certificate>> started;
    synchronized (this) {
      if (rotation != null) {
        return rotation.minimalCompletionStage();
      }
      if (closed) {
        return CompletableFuture.failedFuture(
            new EnvelopeException(Reason.NO_SESSION_KEY, "session keys are closed"));
      }
      started = new CompletableFuture<>();
      rotation = started;
    }
    try {
      executor.execute(() -> runRotation(started));
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        rotation = null;
      }
      started.completeExceptionally(
          new EnvelopeException(Reason.NO_SESSION_KEY, "session keys are closed", e));
    }
    return started.minimalCompletionStage();
  }

  private void runRotation(CompletableFuture<List<X509Certificate>> result) {
    SessionKey next;
    try {
      next = certify();
    } catch (EnvelopeException | RuntimeException e) {
      EnvelopeException failure =
          e instanceof EnvelopeException known
              ? known
              : new EnvelopeException(
                  Reason.CERTIFICATION_FAILED, "session key certification failed", e);
      SessionKey key = current;
      synchronized (this) {
        rotation = null;
        retryAfter = clock.instant().plus(retryInterval);
        schedule(retryInterval);
      }
      LOG.warn(
          "session key rotation failed gateway={} reason={} currentKid={} currentNotAfter={}"
              + " retryIn={} error={}",
          names.gateway(),
          failure.reason(),
          key.kid(),
          key.notAfter(),
          retryInterval,
          failure.getMessage());
      result.completeExceptionally(failure);
      return;
    }
    announce(next);
    for (Consumer<List<X509Certificate>> listener : listeners) {
      try {
        listener.accept(next.chain());
      } catch (RuntimeException e) {
        LOG.error(
            "session key rotation listener failed gateway={} kid={} listener={}",
            names.gateway(),
            next.kid(),
            listener,
            e);
      }
    }
    install(next);
    synchronized (this) {
      rotation = null;
      retryAfter = Instant.MIN;
    }
    result.complete(next.chain());
  }

  /**
   * Adds the key to the published chains before it signs anything, so that listeners publishing
   * {@link #chainsDocument()} announce it ahead of its first envelope.
   */
  private synchronized void announce(SessionKey key) {
    Instant now = clock.instant();
    published.removeIf(old -> old.notAfter().plus(KEEP_PUBLISHED).isBefore(now));
    if (!published.contains(key)) {
      published.add(key);
    }
  }

  private void install(SessionKey key) {
    announce(key);
    synchronized (this) {
      current = key;
      schedule(Duration.between(clock.instant(), key.renewAt()));
    }
  }

  /** Arms the one timer that checks for a due rotation, replacing the one armed before. */
  private synchronized void schedule(Duration delay) {
    if (closed) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    long millis = Math.max(1000, delay.toMillis());
    timer = executor.schedule(this::onTimer, millis, TimeUnit.MILLISECONDS);
  }

  private void onTimer() {
    Instant now = clock.instant();
    SessionKey key = current;
    if (now.isBefore(key.renewAt())) {
      // the clock is not the wall clock, or the timer fired early: look again later
      schedule(Duration.between(now, key.renewAt()));
    } else {
      rotateIfDue(now);
    }
  }

  /** Certifies a new session key with the identity; the vault signs once here. */
  private SessionKey certify() throws EnvelopeException {
    List<X509Certificate> identityChain = identity.certificateChain();
    X509Certificate issuer = identityChain.get(0);
    Names now = identityNames(identity);
    if (!now.equals(names)) {
      throw new EnvelopeException(
          Reason.IDENTITY_PROFILE,
          "identity '"
              + identity.alias()
              + "' now names "
              + now
              + " but its envelopes are signed as "
              + names);
    }
    Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant identityNotAfter = issuer.getNotAfter().toInstant();
    if (!issuedAt.isBefore(identityNotAfter)) {
      throw new EnvelopeException(
          Reason.IDENTITY_PROFILE,
          "identity certificate "
              + issuer.getSubjectX500Principal()
              + " expired at "
              + identityNotAfter);
    }
    Instant notAfter = issuedAt.plus(lifetime);
    if (notAfter.isAfter(identityNotAfter)) {
      notAfter = identityNotAfter;
    }
    long number = issued.incrementAndGet();
    long started = System.nanoTime();
    try {
      KeyPair pair = newKeyPair();
      X509Certificate certificate =
          issue(
              identity.contentSigner(),
              issuer,
              pair.getPublic(),
              new X500NameBuilder(BCStyle.INSTANCE)
                  .addRDN(BCStyle.OU, names.site())
                  .addRDN(BCStyle.CN, names.gateway() + "-session-" + number)
                  .build(),
              issuedAt.minus(BACKDATE),
              notAfter);
      List<X509Certificate> chain = new ArrayList<>(identityChain.size() + 1);
      chain.add(certificate);
      chain.addAll(identityChain);
      Duration usable = Duration.between(issuedAt, notAfter);
      SessionKey key =
          new SessionKey(
              number, pair, chain, issuedAt.plusMillis((long) (usable.toMillis() * RENEW_AT)));
      LOG.info(
          "session key certified gateway={} site={} number={} kid={} serial={} notBefore={}"
              + " notAfter={} renewAt={} tookMs={}",
          names.gateway(),
          names.site(),
          number,
          key.kid(),
          certificate.getSerialNumber().toString(16),
          key.notBefore(),
          key.notAfter(),
          key.renewAt(),
          (System.nanoTime() - started) / 1_000_000);
      return key;
    } catch (VaultException e) {
      throw new EnvelopeException(
          Reason.CERTIFICATION_FAILED,
          "the vault could not sign session certificate " + number + " of " + identity.keyUri(),
          e);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new EnvelopeException(
          Reason.CERTIFICATION_FAILED, "cannot build session certificate " + number, e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", EnvelopeFormat.BC);
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  /**
   * Issues a session certificate: CA:false and keyUsage digitalSignature, both critical, subject
   * and authority key identifiers, a random 128-bit serial.
   */
  public static X509Certificate issue(
      ContentSigner signer,
      X509Certificate issuer,
      PublicKey key,
      X500Name subject,
      Instant notBefore,
      Instant notAfter)
      throws GeneralSecurityException, CertIOException {
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
            new BigInteger(128, RANDOM).setBit(127),
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            key);
    builder
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(
            Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key))
        .addExtension(
            Extension.authorityKeyIdentifier,
            false,
            extensions.createAuthorityKeyIdentifier(issuer));
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  @Override
  public byte[] signMessage(String type, byte[] payload) throws EnvelopeException {
    return EnvelopeFormat.signMessage(current(clock.instant()), type, payload);
  }

  @Override
  public byte[] chainsDocument() {
    List<SessionKey> keys;
    synchronized (this) {
      keys = List.copyOf(published);
    }
    return ChainsDocument.write(keys);
  }

  @Override
  public void onRotation(Consumer<List<X509Certificate>> listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    executor.shutdownNow();
  }
}
