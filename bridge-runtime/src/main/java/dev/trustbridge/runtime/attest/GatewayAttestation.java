package dev.trustbridge.runtime.attest;

import dev.trustbridge.runtime.config.AttestationSettings;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.trust.attest.AttestationEvidence;
import dev.trustbridge.trust.attest.AttestationEvidence.Event;
import dev.trustbridge.trust.attest.AttestationEvidence.Level;
import dev.trustbridge.trust.attest.AttestationEvidence.TpmQuote;
import dev.trustbridge.trust.attest.Measurement;
import dev.trustbridge.trust.attest.TpmPlatform;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.vault.VaultException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's measured start and its evidence. At start it measures its runtime and configuration
 * (see {@link GatewayMeasurements}) before any route runs, records each measurement in its event
 * log and, with a TPM, resets its PCR and extends every measurement into it. It then answers for
 * that state with signed evidence: a TPM quote over the PCR, or without a TPM the event log signed
 * by the session key alone. Measuring again finds drift: each changed component is logged, added to
 * the event log and extended, and reported to the drift listener, once.
 */
public final class GatewayAttestation implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayAttestation.class);

  private final GatewayConfig config;
  private final SessionKeys keys;
  private final Optional<TpmPlatform> tpm;
  private final Optional<TpmPlatform.AttestationKey> attestationKey;
  private final GatewayMeasurements measurements;
  private final Clock clock;
  private final Consumer<List<String>> onDrift;
  private final List<Event> events = new ArrayList<>();
  private final Map<String, Measurement> current = new LinkedHashMap<>();
  private boolean drifted;

  private GatewayAttestation(
      GatewayConfig config,
      SessionKeys keys,
      Optional<TpmPlatform> tpm,
      Optional<TpmPlatform.AttestationKey> attestationKey,
      GatewayMeasurements measurements,
      Clock clock,
      Consumer<List<String>> onDrift) {
    this.config = config;
    this.keys = keys;
    this.tpm = tpm;
    this.attestationKey = attestationKey;
    this.measurements = measurements;
    this.clock = clock;
    this.onDrift = onDrift;
  }

  /**
   * Measures the gateway and, with a TPM, extends the measurements into the configured PCR after
   * resetting it, and creates the attestation key.
   *
   * @param useTpm whether the vault is a TPM, whose PCRs and quotes then back the evidence
   * @param onDrift told the changed components once, when measuring again first finds a change
   * @throws VaultException if the TPM cannot be used
   */
  public static GatewayAttestation start(
      GatewayConfig config,
      SessionKeys keys,
      boolean useTpm,
      Clock clock,
      Consumer<List<String>> onDrift)
      throws VaultException {
    AttestationSettings settings = config.attestation();
    Optional<TpmPlatform> tpm = Optional.empty();
    try {
      if (useTpm) {
        tpm =
            Optional.of(
                TpmPlatform.open(
                    settings.tcti(), config.envelopes().stateDirectory().resolve("tpm-work")));
        tpm.get().resetPcr(settings.pcr());
      }
      GatewayMeasurements measurements = new GatewayMeasurements();
      List<Measurement> measured = measurements.measure(config);
      for (Measurement measurement : measured) {
        if (tpm.isPresent()) {
          tpm.get().extend(settings.pcr(), measurement);
        }
      }
      Optional<TpmPlatform.AttestationKey> key =
          tpm.isPresent() ? Optional.of(tpm.get().createAttestationKey()) : Optional.empty();
      GatewayAttestation attestation =
          new GatewayAttestation(config, keys, tpm, key, measurements, clock, onDrift);
      Instant now = clock.instant();
      for (Measurement measurement : measured) {
        attestation.events.add(new Event(measurement, now));
        attestation.current.put(measurement.component(), measurement);
      }
      LOG.info(
          "measured start components={} level={} pcr={} pcrValue={}",
          measured.size(),
          attestation.level().name().toLowerCase(Locale.ROOT),
          settings.pcr(),
          HexFormat.of().formatHex(Measurement.replay(measured)));
      if (tpm.isEmpty()) {
        LOG.warn("attestation without a TPM: evidence is signed by the gateway's key only");
      }
      return attestation;
    } catch (VaultException | RuntimeException e) {
      tpm.ifPresent(TpmPlatform::close);
      throw e;
    }
  }

  /** Whether a TPM backs the evidence. */
  public Level level() {
    return tpm.isPresent() ? Level.TPM : Level.SOFTWARE;
  }

  /** Whether measuring again has found a change since start. */
  public synchronized boolean hasDrifted() {
    return drifted;
  }

  /**
   * Measures again; each changed, added or missing component is logged, recorded and extended, and
   * the first time anything changed the drift listener is told.
   *
   * @return the components that changed now
   */
  public List<String> measureAgain() throws VaultException {
    List<String> changed = new ArrayList<>();
    boolean first;
    synchronized (this) {
      List<Measurement> now = measurements.measure(config);
      Instant time = clock.instant();
      for (Measurement measurement : now) {
        Measurement before = current.get(measurement.component());
        if (before == null || !before.sha256().equals(measurement.sha256())) {
          record(measurement, time);
          changed.add(measurement.component());
          LOG.error(
              "integrity drift component={} was={} now={}",
              measurement.component(),
              before == null ? "not measured" : before.sha256(),
              measurement.sha256());
        }
      }
      first = !changed.isEmpty() && !drifted;
      drifted |= !changed.isEmpty();
    }
    if (first) {
      onDrift.accept(changed);
    }
    return changed;
  }

  private void record(Measurement measurement, Instant time) throws VaultException {
    if (tpm.isPresent()) {
      tpm.get().extend(config.attestation().pcr(), measurement);
    }
    events.add(new Event(measurement, time));
    current.put(measurement.component(), measurement);
  }

  /**
   * Signed evidence of the state as measured, answering {@code nonce}; with a TPM, quoted now.
   *
   * @throws VaultException if the TPM cannot quote
   * @throws EnvelopeException if no session key can sign
   */
  public synchronized byte[] evidence(byte[] nonce, Instant time)
      throws VaultException, EnvelopeException {
    Optional<TpmQuote> quote = Optional.empty();
    if (tpm.isPresent()) {
      TpmPlatform.Quote made =
          tpm.get().quote(attestationKey.orElseThrow(), config.attestation().pcr(), nonce);
      quote =
          Optional.of(
              new TpmQuote(
                  attestationKey.get().publicKey().getEncoded(), made.attest(), made.signature()));
    }
    return new AttestationEvidence(
            config.site(),
            config.gatewayId(),
            time,
            nonce,
            level(),
            config.attestation().pcr(),
            events,
            quote)
        .sign(keys);
  }

  /**
   * The nonce of evidence that answers no challenge: SHA-256 of {@code
   * trustbridge-attestation-time:} and the evidence's time to the second, so that a quote is bound
   * to the time in the signed statement.
   */
  public static byte[] timeNonce(Instant time) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(
              ("trustbridge-attestation-time:" + time.truncatedTo(ChronoUnit.SECONDS))
                  .getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public void close() {
    tpm.ifPresent(TpmPlatform::close);
  }
}
