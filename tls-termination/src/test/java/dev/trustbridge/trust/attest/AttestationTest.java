package dev.trustbridge.trust.attest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.sim.tokens.TokenRig;
import dev.trustbridge.trust.attest.AttestationEvidence.Event;
import dev.trustbridge.trust.attest.AttestationEvidence.Level;
import dev.trustbridge.trust.attest.AttestationEvidence.TpmQuote;
import dev.trustbridge.trust.attest.AttestationVerifier.Verdict;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.envelope.TestGateway;
import dev.trustbridge.trust.envelope.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attestation evidence end to end: measured files, extended into PCR 16 of the rig's TPM and quoted
 * by an attestation key, or signed by the session key alone without a TPM; checked by the verifier
 * against a golden set.
 */
class AttestationTest {

  private static final int PCR = 16;

  @TempDir Path directory;
  private TestPki pki;
  private final List<Measurement> measured = new ArrayList<>();

  @BeforeEach
  void measureFiles() throws Exception {
    pki = TestPki.create(Instant.now());
    Files.writeString(directory.resolve("trustbridge.yaml"), "site: plant-a\ngateway: gw-01\n");
    Files.createDirectories(directory.resolve("routes"));
    Files.writeString(directory.resolve("routes/a.camel.yaml"), "- route: {id: a}\n");
    measured.add(
        Measurement.ofFile("config:trustbridge.yaml", directory.resolve("trustbridge.yaml")));
    measured.add(
        Measurement.ofFile("route:routes/a.camel.yaml", directory.resolve("routes/a.camel.yaml")));
  }

  @Test
  void softwareEvidence_verifiesAgainstGolden_andSaysItIsSoftware() throws Exception {
    byte[] nonce = nonce();
    try (TestGateway gateway = TestGateway.enrolled(directory, pki);
        SessionKeys keys = SessionKeys.start(gateway.identity())) {
      byte[] signed = software(keys, nonce, measured).sign(keys);

      Verdict verdict = verifier(GoldenSet.of(measured)).verify(signed, Optional.of(nonce));

      assertThat(verdict.trusted()).as(verdict.summary()).isTrue();
      assertThat(verdict.level()).contains(Level.SOFTWARE);
      assertThat(verdict.summary()).contains("no TPM");
    }
  }

  @Test
  void changedRouteFile_isNamedAsDiffering() throws Exception {
    GoldenSet golden = GoldenSet.of(measured);
    Files.writeString(directory.resolve("routes/a.camel.yaml"), "- route: {id: a, edited: true}\n");
    List<Measurement> now =
        List.of(
            measured.get(0),
            Measurement.ofFile(
                "route:routes/a.camel.yaml", directory.resolve("routes/a.camel.yaml")));
    try (TestGateway gateway = TestGateway.enrolled(directory, pki);
        SessionKeys keys = SessionKeys.start(gateway.identity())) {
      Verdict verdict =
          verifier(golden).verify(software(keys, nonce(), now).sign(keys), Optional.empty());

      assertThat(verdict.trusted()).isFalse();
      assertThat(verdict.differing())
          .singleElement()
          .asString()
          .startsWith("route:routes/a.camel.yaml: sha256 ")
          .contains("is not golden");
    }
  }

  @Test
  void staleEvidenceOrOtherNonce_isRejected() throws Exception {
    try (TestGateway gateway = TestGateway.enrolled(directory, pki);
        SessionKeys keys = SessionKeys.start(gateway.identity())) {
      byte[] signed = software(keys, nonce(), measured).sign(keys);
      AttestationVerifier later =
          new AttestationVerifier(
              EnvelopeVerifier.create(List.of(pki.root())),
              GoldenSet.of(measured),
              Duration.ofMinutes(10),
              Clock.offset(Clock.systemUTC(), Duration.ofMinutes(30)));

      assertThat(later.verify(signed, Optional.empty()).problems())
          .anyMatch(p -> p.startsWith("stale:"));
      assertThat(verifier(GoldenSet.of(measured)).verify(signed, Optional.of(nonce())).problems())
          .anyMatch(p -> p.startsWith("nonce:"));
    }
  }

  @Test
  void evidenceFromAnotherCa_isRejected() throws Exception {
    try (TestGateway gateway = TestGateway.enrolled(directory, pki);
        SessionKeys keys = SessionKeys.start(gateway.identity())) {
      byte[] signed = software(keys, nonce(), measured).sign(keys);
      AttestationVerifier otherFleet =
          new AttestationVerifier(
              EnvelopeVerifier.create(List.of(TestPki.create(Instant.now()).root())),
              GoldenSet.of(measured),
              Duration.ofMinutes(10),
              Clock.systemUTC());

      Verdict verdict = otherFleet.verify(signed, Optional.empty());

      assertThat(verdict.trusted()).isFalse();
      assertThat(verdict.level()).isEmpty();
      assertThat(verdict.problems()).singleElement().asString().contains("rejected");
    }
  }

  @Test
  void tpmQuote_verifies_andAlteredLogOrQuoteIsCaught() throws Exception {
    TokenRig.require();
    byte[] nonce = nonce();
    try (TestGateway gateway = TestGateway.enrolled(directory, pki);
        SessionKeys keys = SessionKeys.start(gateway.identity());
        TpmPlatform tpm = TpmPlatform.open(Optional.empty(), directory.resolve("tpm"))) {
      tpm.resetPcr(PCR);
      for (Measurement measurement : measured) {
        tpm.extend(PCR, measurement);
      }
      assertThat(tpm.readPcr(PCR)).isEqualTo(Measurement.replay(measured));
      TpmPlatform.AttestationKey key = tpm.createAttestationKey();
      TpmPlatform.Quote quote = tpm.quote(key, PCR, nonce);
      TpmQuote evidenceQuote =
          new TpmQuote(key.publicKey().getEncoded(), quote.attest(), quote.signature());
      GoldenSet golden = GoldenSet.of(measured);

      Verdict good =
          verifier(golden)
              .verify(tpm(keys, nonce, measured, evidenceQuote).sign(keys), Optional.of(nonce));
      List<Measurement> forged =
          List.of(measured.get(0), new Measurement("route:routes/a.camel.yaml", "0".repeat(64)));
      Verdict alteredLog =
          verifier(GoldenSet.of(forged))
              .verify(tpm(keys, nonce, forged, evidenceQuote).sign(keys), Optional.of(nonce));
      byte[] badSignature = quote.signature().clone();
      badSignature[badSignature.length - 1] ^= 1;
      Verdict alteredQuote =
          verifier(golden)
              .verify(
                  tpm(
                          keys,
                          nonce,
                          measured,
                          new TpmQuote(key.publicKey().getEncoded(), quote.attest(), badSignature))
                      .sign(keys),
                  Optional.of(nonce));
      byte[] otherNonce = nonce();
      Verdict replayed =
          verifier(golden)
              .verify(
                  tpm(keys, otherNonce, measured, evidenceQuote).sign(keys),
                  Optional.of(otherNonce));

      assertThat(good.trusted()).as(good.summary()).isTrue();
      assertThat(good.level()).contains(Level.TPM);
      assertThat(alteredLog.trusted()).isFalse();
      assertThat(alteredLog.problems()).anyMatch(p -> p.startsWith("event log: replaying it"));
      assertThat(alteredQuote.problems())
          .anyMatch(
              p ->
                  p.contains("does not verify with the attestation key")
                      || p.contains("cannot be checked"));
      assertThat(replayed.problems()).anyMatch(p -> p.startsWith("quote: made for another nonce"));
    }
  }

  private AttestationVerifier verifier(GoldenSet golden) {
    return new AttestationVerifier(
        EnvelopeVerifier.create(List.of(pki.root())),
        golden,
        Duration.ofMinutes(10),
        Clock.systemUTC());
  }

  private static AttestationEvidence software(
      SessionKeys keys, byte[] nonce, List<Measurement> measurements) {
    return new AttestationEvidence(
        keys.site(),
        keys.gateway(),
        Instant.now(),
        nonce,
        Level.SOFTWARE,
        PCR,
        events(measurements),
        Optional.empty());
  }

  private static AttestationEvidence tpm(
      SessionKeys keys, byte[] nonce, List<Measurement> measurements, TpmQuote quote) {
    return new AttestationEvidence(
        keys.site(),
        keys.gateway(),
        Instant.now(),
        nonce,
        Level.TPM,
        PCR,
        events(measurements),
        Optional.of(quote));
  }

  private static List<Event> events(List<Measurement> measurements) {
    return measurements.stream().map(m -> new Event(m, Instant.now())).toList();
  }

  private static byte[] nonce() {
    byte[] nonce = new byte[32];
    new SecureRandom().nextBytes(nonce);
    return nonce;
  }
}
