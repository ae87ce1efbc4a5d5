package dev.trustbridge.trust.attest;

import dev.trustbridge.trust.attest.AttestationEvidence.Level;
import dev.trustbridge.trust.attest.internal.QuoteInfo;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.SignedStatement;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a gateway's attestation evidence on the cloud side: the statement's signature and chain to
 * the fleet CA, freshness and nonce, for TPM evidence the quote's signature by the attestation key,
 * its nonce and PCR selection, and that replaying the event log yields the quoted PCR value; then
 * that every measured component has a golden digest and every golden component was measured. The
 * verdict names each component that differs.
 */
public final class AttestationVerifier {

  private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private final EnvelopeVerifier statements;
  private final GoldenSet golden;
  private final Duration maxAge;
  private final Clock clock;

  /**
   * @param statements a verifier that trusts the fleet CA
   * @param maxAge how old evidence may be when no challenge nonce is expected
   */
  public AttestationVerifier(
      EnvelopeVerifier statements, GoldenSet golden, Duration maxAge, Clock clock) {
    this.statements = Objects.requireNonNull(statements, "statements");
    this.golden = Objects.requireNonNull(golden, "golden");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The verdict on one signed evidence document.
   *
   * @param expectedNonce the challenge sent to the gateway, if one was
   */
  public Verdict verify(byte[] signedEvidence, Optional<byte[]> expectedNonce) {
    SignedStatement statement;
    try {
      statement = statements.verifyStatement(signedEvidence, AttestationEvidence.TYPE);
    } catch (EnvelopeException e) {
      return Verdict.rejected(e.getMessage());
    }
    AttestationEvidence evidence;
    try {
      evidence = AttestationEvidence.fromJson(statement.payload());
    } catch (IllegalArgumentException e) {
      return Verdict.rejected("malformed evidence: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    Instant now = clock.instant();
    if (evidence.time().isAfter(now.plus(CLOCK_SKEW))) {
      problems.add("evidence time " + evidence.time() + " lies in the future (now " + now + ")");
    } else if (expectedNonce.isEmpty() && evidence.time().isBefore(now.minus(maxAge))) {
      problems.add(
          "stale: evidence of "
              + evidence.time()
              + " is older than "
              + maxAge
              + " (now "
              + now
              + ")");
    }
    if (expectedNonce.isPresent()
        && !MessageDigest.isEqual(expectedNonce.get(), evidence.nonce())) {
      problems.add("nonce: the evidence answers another challenge than the one sent");
    }
    evidence.quote().ifPresent(quote -> checkQuote(evidence, quote, problems));
    List<String> differing = compare(evidence.measurements());
    return new Verdict(
        problems.isEmpty() && differing.isEmpty(),
        Optional.of(evidence.level()),
        statement.site(),
        statement.gateway(),
        Optional.of(evidence.time()),
        problems,
        differing);
  }

  private static void checkQuote(
      AttestationEvidence evidence, AttestationEvidence.TpmQuote quote, List<String> problems) {
    try {
      PublicKey key =
          KeyFactory.getInstance("EC")
              .generatePublic(new X509EncodedKeySpec(quote.attestationKey()));
      Signature signature = Signature.getInstance("SHA256withECDSA");
      signature.initVerify(key);
      signature.update(quote.attest());
      if (!signature.verify(quote.signature())) {
        problems.add("quote: the signature does not verify with the attestation key");
        return;
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      problems.add("quote: the signature cannot be checked: " + e.getMessage());
      return;
    }
    QuoteInfo info;
    try {
      info = QuoteInfo.parse(quote.attest());
    } catch (IllegalArgumentException e) {
      problems.add("quote: " + e.getMessage());
      return;
    }
    if (!MessageDigest.isEqual(info.extraData(), evidence.nonce())) {
      problems.add("quote: made for another nonce than the evidence names");
    }
    if (info.selections().size() != 1
        || info.selections().get(0).hashAlgorithm() != QuoteInfo.TPM_ALG_SHA256
        || !info.selections().get(0).pcrs().equals(new TreeSet<>(Set.of(evidence.pcr())))) {
      problems.add("quote: covers " + info.selections() + ", not sha256 PCR " + evidence.pcr());
      return;
    }
    byte[] replayed = Measurement.replay(evidence.measurements());
    byte[] expected = Measurement.newDigest().digest(replayed);
    if (!MessageDigest.isEqual(expected, info.pcrDigest())) {
      problems.add(
          "event log: replaying it gives PCR "
              + evidence.pcr()
              + " = "
              + HexFormat.of().formatHex(replayed)
              + ", which is not the value the TPM quoted: the log was altered or is incomplete");
    }
  }

  private List<String> compare(List<Measurement> measured) {
    List<String> differing = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (Measurement measurement : measured) {
      seen.add(measurement.component());
      Set<String> allowed = golden.components().get(measurement.component());
      if (allowed == null) {
        differing.add(
            measurement.component()
                + ": not in the golden set (sha256 "
                + measurement.sha256()
                + ")");
      } else if (!allowed.contains(measurement.sha256())) {
        differing.add(
            measurement.component()
                + ": sha256 "
                + measurement.sha256()
                + " is not golden "
                + allowed);
      }
    }
    for (Map.Entry<String, Set<String>> component : golden.components().entrySet()) {
      if (!seen.contains(component.getKey())) {
        differing.add(component.getKey() + ": golden but not measured");
      }
    }
    return differing;
  }

  /**
   * The outcome.
   *
   * @param trusted whether every check passed and every component is golden
   * @param level the evidence's strength; empty when the evidence itself was rejected
   * @param problems what failed besides component digests
   * @param differing each component that is not as golden, with why
   */
  public record Verdict(
      boolean trusted,
      Optional<Level> level,
      String site,
      String gateway,
      Optional<Instant> time,
      List<String> problems,
      List<String> differing) {

    public Verdict {
      problems = List.copyOf(problems);
      differing = List.copyOf(differing);
    }

    static Verdict rejected(String problem) {
      return new Verdict(
          false, Optional.empty(), "", "", Optional.empty(), List.of(problem), List.of());
    }

    /** One line for operators: the verdict, the level, and what is wrong. */
    public String summary() {
      StringBuilder text =
          new StringBuilder(trusted ? "TRUSTED" : "UNTRUSTED")
              .append(level.map(l -> " level=" + l.name().toLowerCase(Locale.ROOT)).orElse(""))
              .append(site.isEmpty() ? "" : " gateway=" + site + "/" + gateway)
              .append(time.map(t -> " time=" + t).orElse(""));
      level
          .filter(l -> l == Level.SOFTWARE)
          .ifPresent(l -> text.append(" (no TPM: measurements signed by the gateway's key only)"));
      problems.forEach(p -> text.append("; ").append(p));
      differing.forEach(d -> text.append("; differs: ").append(d));
      return text.toString();
    }
  }
}
