package dev.trustbridge.trust.envelope;

import static dev.trustbridge.trust.envelope.EnvelopeSignerTest.samples;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbridge.trust.envelope.VerificationResult.Failed;
import dev.trustbridge.trust.envelope.VerificationResult.Failure;
import dev.trustbridge.trust.envelope.VerificationResult.Verified;
import dev.trustbridge.trust.envelope.internal.EnvelopeFormat;
import dev.trustbridge.trust.envelope.internal.SessionKey;
import dev.trustbridge.trust.envelope.internal.SessionKeysImpl;
import dev.trustbridge.trust.vault.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.operator.ContentSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeVerifierTest {

  private static final StreamId PLC_1 = new StreamId("plant-a", "gw-01", "plc-1");

  @TempDir Path directory;

  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private TestPki pki;
  private TestGateway gateway;
  private SessionKeys keys;
  private StreamStateStore store;
  private EnvelopeSigner signer;
  private EnvelopeVerifier verifier;

  @BeforeEach
  void start() throws Exception {
    pki = TestPki.create(clock.instant());
    gateway = TestGateway.enrolled(directory, pki);
    keys = SessionKeys.start(gateway.identity(), Duration.ofHours(1), clock);
    store = StreamStateStore.file(directory.resolve("gw-01.streams.json"));
    signer = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);
    verifier = EnvelopeVerifier.create(List.of(pki.root()));
  }

  @AfterEach
  void stop() {
    store.close();
    keys.close();
    gateway.close();
  }

  private List<Envelope> sign(int count) throws EnvelopeException {
    List<Envelope> envelopes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      envelopes.add(signer.sign("plc-1", samples(20 + i)));
    }
    return envelopes;
  }

  private EnvelopeContent verified(Envelope envelope) {
    VerificationResult result = verifier.verify(envelope.bytes());
    assertThat(result).isInstanceOf(Verified.class);
    return ((Verified) result).content();
  }

  private Failed failed(byte[] envelope, Failure expected) {
    VerificationResult result = verifier.verify(envelope);
    assertThat(result).isInstanceOf(Failed.class);
    Failed failed = (Failed) result;
    assertThat(failed.failure()).as(failed.detail()).isEqualTo(expected);
    assertThat(failed.content().isPresent()).isEqualTo(expected.authentic());
    return failed;
  }

  @Test
  void validStream_verifiesEveryEnvelopeWithItsContent() throws Exception {
    List<Envelope> envelopes = sign(5);

    for (int i = 0; i < envelopes.size(); i++) {
      EnvelopeContent content = verified(envelopes.get(i));
      assertThat(content.stream()).isEqualTo(PLC_1);
      assertThat(content.seq()).isEqualTo(i + 1);
      assertThat(content.epoch()).isEqualTo(1);
      assertThat(content.hash()).isEqualTo(envelopes.get(i).hash());
      assertThat(content.prev())
          .isEqualTo(i == 0 ? Optional.empty() : Optional.of(envelopes.get(i - 1).hash()));
      assertThat(content.time()).isEqualTo(clock.instant());
      assertThat(content.samples()).isEqualTo(samples(20 + i));
      assertThat(content.chain()).isEqualTo(keys.currentChain());
    }
  }

  @Test
  void payloadValueChanged_badSignature() throws Exception {
    Envelope envelope = signer.sign("plc-1", samples(21.5));
    String payload = EnvelopeTesting.payloadText(envelope.bytes());

    Failed failed =
        failed(
            EnvelopeTesting.withPayload(envelope.bytes(), payload.replace("21.5", "29.5")),
            Failure.BAD_SIGNATURE);

    assertThat(failed.stream()).contains(PLC_1);
  }

  @Test
  void payloadCharacterFlipped_badSignature() throws Exception {
    Envelope envelope = signer.sign("plc-1", samples(21.5));
    ObjectNode json = EnvelopeTesting.json(envelope.bytes());
    char[] payload = json.get("payload").asText().toCharArray();
    int middle = payload.length / 2;
    payload[middle] = payload[middle] == 'A' ? 'B' : 'A';
    json.put("payload", new String(payload));

    failed(EnvelopeTesting.bytes(json), Failure.BAD_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(strings = {TestPki.ROOT_NAME, "CN=Another Fleet CA,O=Elsewhere"})
  void chainFromAnotherCa_unknownChain(String otherRootName) throws Exception {
    TestPki other = TestPki.create(clock.instant(), otherRootName);
    Path elsewhere = Files.createDirectory(directory.resolve("other"));
    try (TestGateway impostor = TestGateway.enrolled(elsewhere, other);
        SessionKeys otherKeys = SessionKeys.start(impostor.identity(), Duration.ofHours(1), clock);
        StreamStateStore otherStore = StreamStateStore.file(elsewhere.resolve("s.json"))) {
      Envelope envelope =
          EnvelopeSigner.open(otherKeys, otherStore, ChainMode.EMBEDDED).sign("plc-1", samples(1));

      Failed failed = failed(envelope.bytes(), Failure.UNKNOWN_CHAIN);

      assertThat(failed.detail())
          .contains("does not lead to a trust root", otherRootName.substring(3, 10));
      assertThat(failed.stream()).contains(PLC_1);
    }
  }

  @Test
  void gatewayTimeAfterSessionCertificate_expiredSession() throws Exception {
    Identity identity = gateway.identity();
    Instant now = clock.instant();
    byte[] envelope =
        craft(
            identity.contentSigner(),
            identity.certificateChain(),
            now.minus(Duration.ofHours(3)),
            now.minus(Duration.ofHours(2)),
            new EnvelopeFormat.Payload(PLC_1, 1, 1, null, now, samples(1)));

    Failed failed = failed(envelope, Failure.EXPIRED_SESSION);

    assertThat(failed.detail()).contains("gateway time " + now, "outside the validity");
  }

  @Test
  void identityCertificateExpiredBeforeSession_chainInvalid() throws Exception {
    Identity identity = gateway.identity();
    Instant now = clock.instant();
    X509Certificate expired =
        pki.issueIdentity(
            identity.publicKey(),
            TestGateway.SUBJECT,
            now.minus(Duration.ofDays(30)),
            now.minus(Duration.ofDays(1)));
    byte[] envelope =
        craft(
            identity.contentSigner(),
            List.of(expired, pki.root()),
            now.minusSeconds(60),
            now.plus(Duration.ofHours(1)),
            new EnvelopeFormat.Payload(PLC_1, 1, 1, null, now, samples(1)));

    Failed failed = failed(envelope, Failure.CHAIN_INVALID);

    assertThat(failed.detail()).contains("CN=gw-01");
  }

  @Test
  void sessionIssuedByPlainClientCertificate_chainInvalid() throws Exception {
    KeyPair leafKey = TestPki.newKeyPair();
    X509Certificate leaf = pki.issueClient(leafKey.getPublic(), TestGateway.SUBJECT);
    Instant now = clock.instant();
    byte[] envelope =
        craft(
            TestPki.signer(leafKey.getPrivate()),
            List.of(leaf, pki.root()),
            now.minusSeconds(60),
            now.plus(Duration.ofHours(1)),
            new EnvelopeFormat.Payload(PLC_1, 1, 1, null, now, samples(1)));

    Failed failed = failed(envelope, Failure.CHAIN_INVALID);

    assertThat(failed.detail()).contains("PKIX");
  }

  @Test
  void sessionIssuedByIssuingCaWithoutIdentityProfile_chainInvalid() throws Exception {
    KeyPair caKey = TestPki.newKeyPair();
    X509Certificate issuingCa = pki.issueIssuingCa(caKey.getPublic(), TestGateway.SUBJECT);
    Instant now = clock.instant();
    byte[] envelope =
        craft(
            TestPki.signer(caKey.getPrivate()),
            List.of(issuingCa, pki.root()),
            now.minusSeconds(60),
            now.plus(Duration.ofHours(1)),
            new EnvelopeFormat.Payload(PLC_1, 1, 1, null, now, samples(1)));

    Failed failed = failed(envelope, Failure.CHAIN_INVALID);

    assertThat(failed.detail())
        .contains("not a gateway identity", "keyCertSign and digitalSignature");
  }

  @Test
  void sessionCertificateValidLongerThanADay_chainInvalid() throws Exception {
    Identity identity = gateway.identity();
    Instant now = clock.instant();
    byte[] envelope =
        craft(
            identity.contentSigner(),
            identity.certificateChain(),
            now.minusSeconds(60),
            now.plus(Duration.ofHours(25)),
            new EnvelopeFormat.Payload(PLC_1, 1, 1, null, now, samples(1)));

    assertThat(failed(envelope, Failure.CHAIN_INVALID).detail()).contains("longer than PT24H");
  }

  @Test
  void payloadNamingAnotherGateway_identityMismatch() throws Exception {
    Identity identity = gateway.identity();
    Instant now = clock.instant();
    StreamId impersonated = new StreamId("plant-a", "gw-02", "plc-1");
    byte[] envelope =
        craft(
            identity.contentSigner(),
            identity.certificateChain(),
            now.minusSeconds(60),
            now.plus(Duration.ofHours(1)),
            new EnvelopeFormat.Payload(impersonated, 1, 1, null, now, samples(1)));

    Failed failed = failed(envelope, Failure.IDENTITY_MISMATCH);

    assertThat(failed.detail()).contains("gw-02", "gw-01");
    assertThat(failed.stream()).contains(impersonated);
  }

  @Test
  void sameEnvelopeAgain_duplicate() throws Exception {
    List<Envelope> envelopes = sign(2);
    verified(envelopes.get(0));
    verified(envelopes.get(1));

    Failed failed = failed(envelopes.get(1).bytes(), Failure.DUPLICATE);

    assertThat(failed.content().orElseThrow().seq()).isEqualTo(2);
  }

  @Test
  void olderEnvelopeAgain_duplicate() throws Exception {
    List<Envelope> envelopes = sign(3);
    envelopes.forEach(this::verified);

    Failed failed = failed(envelopes.get(0).bytes(), Failure.DUPLICATE);

    assertThat(failed.content().orElseThrow().seq()).isEqualTo(1);
    assertThat(failed.stream()).contains(PLC_1);
  }

  @Test
  void skippedEnvelopes_gapWithCount() throws Exception {
    List<Envelope> envelopes = sign(4);
    verified(envelopes.get(0));

    Failed failed = failed(envelopes.get(3).bytes(), Failure.GAP);

    assertThat(failed.missing()).isEqualTo(2);
    assertThat(failed.detail()).contains("2 envelope(s) missing between seq 1 and 4");
    // the stream goes on from the envelope after the gap
    verified(signer.sign("plc-1", samples(5)));
  }

  @Test
  void dropNoticeAfterGap_verifies_namesDroppedRangeAndReason() throws Exception {
    List<Envelope> envelopes = sign(4);
    verified(envelopes.get(0));
    failed(envelopes.get(3).bytes(), Failure.GAP);

    EnvelopeContent notice =
        verified(signer.signDropNotice("plc-1", new DroppedEnvelopes(2, 3, 2, "full")));

    assertThat(notice.seq()).isEqualTo(5);
    assertThat(notice.samples()).isEmpty();
    assertThat(notice.dropped()).contains(new DroppedEnvelopes(2, 3, 2, "full"));
    assertThat(verified(signer.sign("plc-1", samples(6))).dropped()).isEmpty();
  }

  @Test
  void dropNotice_withSamplesOrBadRange_isRefused() {
    assertThatThrownBy(() -> new DroppedEnvelopes(3, 2, 1, "full"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DroppedEnvelopes(2, 3, 3, "full"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DroppedEnvelopes(2, 3, 1, "Disk Full"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoEnvelopesSwapped_gapThenReorder() throws Exception {
    List<Envelope> envelopes = sign(4);
    verified(envelopes.get(0));

    assertThat(failed(envelopes.get(2).bytes(), Failure.GAP).missing()).isEqualTo(1);
    assertThat(failed(envelopes.get(1).bytes(), Failure.REORDER).content().orElseThrow().seq())
        .isEqualTo(2);
    verified(envelopes.get(3));
    failed(envelopes.get(1).bytes(), Failure.DUPLICATE);
  }

  @Test
  void stateRestoredFromCopy_forkDetected() throws Exception {
    List<Envelope> envelopes = sign(2);
    Path copy = directory.resolve("restored.streams.json");
    Files.copy(directory.resolve("gw-01.streams.json"), copy);
    Envelope original = signer.sign("plc-1", samples(3));
    envelopes.forEach(this::verified);
    verified(original);

    try (StreamStateStore restoredStore = StreamStateStore.file(copy)) {
      EnvelopeSigner restored = EnvelopeSigner.open(keys, restoredStore, ChainMode.EMBEDDED);
      Envelope sameSeq = restored.sign("plc-1", samples(99));
      Envelope next = restored.sign("plc-1", samples(100));

      assertThat(sameSeq.seq()).isEqualTo(original.seq());
      assertThat(failed(sameSeq.bytes(), Failure.FORK).detail()).contains("seen before");
      assertThat(failed(next.bytes(), Failure.FORK).detail()).contains("links to");
    }
  }

  @Test
  void restartedSigner_newEpochContinuingStream_verifies() throws Exception {
    verified(sign(1).get(0));
    store.close();
    store = StreamStateStore.file(directory.resolve("gw-01.streams.json"));
    signer = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);

    EnvelopeContent content = verified(signer.sign("plc-1", samples(2)));

    assertThat(content.epoch()).isEqualTo(2);
    assertThat(content.seq()).isEqualTo(2);
  }

  @Test
  void streamAcrossSessionKeyRotation_verifies() throws Exception {
    sign(2).forEach(this::verified);
    X509Certificate first = keys.currentChain().get(0);
    clock.advance(Duration.ofMinutes(49));
    verified(signer.sign("plc-1", samples(3)));
    await().atMost(Duration.ofSeconds(10)).until(() -> !keys.currentChain().get(0).equals(first));

    EnvelopeContent afterRotation = verified(signer.sign("plc-1", samples(4)));

    assertThat(afterRotation.chain().get(0)).isNotEqualTo(first);
    assertThat(afterRotation.seq()).isEqualTo(4);
    assertThat(afterRotation.time()).isBefore(first.getNotAfter().toInstant());
  }

  @Test
  void publishedChainMode_verifiesOnlyWithChainsDocument() throws Exception {
    try (StreamStateStore other = StreamStateStore.file(directory.resolve("published.json"))) {
      EnvelopeSigner published = EnvelopeSigner.open(keys, other, ChainMode.PUBLISHED);
      Envelope envelope = published.sign("plc-9", samples(1));

      assertThat(failed(envelope.bytes(), Failure.UNKNOWN_CHAIN).detail())
          .contains("no published chain");

      assertThat(verifier.addPublishedChains(keys.chainsDocument())).isEqualTo(1);
      assertThat(verifier.verify(envelope.bytes())).isInstanceOf(Verified.class);
    }
  }

  @Test
  void chainsDocumentWithForeignKid_isRefused() throws Exception {
    ObjectNode document = EnvelopeTesting.json(keys.chainsDocument());
    ((ObjectNode) document.get("keys").get(0)).put("kid", "not-the-thumbprint");

    assertThatThrownBy(() -> verifier.addPublishedChains(EnvelopeTesting.bytes(document)))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining("not-the-thumbprint")
        .extracting(e -> ((EnvelopeException) e).reason())
        .isEqualTo(EnvelopeException.Reason.CHAINS_DOCUMENT);
  }

  @Test
  void notAnEnvelope_malformed() {
    failed("not json".getBytes(StandardCharsets.UTF_8), Failure.MALFORMED);
    failed(
        "{\"payload\":\"e30\",\"signature\":\"AA\"}".getBytes(StandardCharsets.UTF_8),
        Failure.MALFORMED);
  }

  @Test
  void unprotectedHeaderMember_malformed() throws Exception {
    Envelope envelope = signer.sign("plc-1", samples(1));
    ObjectNode json = EnvelopeTesting.json(envelope.bytes());
    json.putObject("header").put("kid", "something-unprotected");

    assertThat(failed(EnvelopeTesting.bytes(json), Failure.MALFORMED).detail())
        .contains("protected header only");
  }

  @Test
  void duplicateMemberInSignedPayload_malformed() throws Exception {
    Identity identity = gateway.identity();
    Instant now = clock.instant();
    SessionKey key =
        sessionKey(
            identity.contentSigner(),
            identity.certificateChain(),
            TestPki.newKeyPair(),
            now.minusSeconds(60),
            now.plusSeconds(3600));
    String payload =
        EnvelopeTesting.payloadText(
            EnvelopeFormat.sign(
                    key,
                    ChainMode.EMBEDDED,
                    new EnvelopeFormat.Payload(PLC_1, 1, 1, null, now, samples(1)))
                .bytes());
    String ambiguous = payload.replace("\"value\":1.0", "\"value\":1.0,\"value\":1000.0");
    assertThat(ambiguous).isNotEqualTo(payload);

    // signed by a valid session key, yet two parsers could read different values
    Failed failed =
        failed(
            EnvelopeFormat.sign(key, ChainMode.EMBEDDED, ambiguous.getBytes(StandardCharsets.UTF_8))
                .bytes(),
            Failure.MALFORMED);

    assertThat(failed.detail()).contains("Duplicate field 'value'");
  }

  /** An envelope whose session certificate is issued by {@code issuer} with the given validity. */
  private static byte[] craft(
      ContentSigner issuer,
      List<X509Certificate> issuerChain,
      Instant notBefore,
      Instant notAfter,
      EnvelopeFormat.Payload payload)
      throws Exception {
    SessionKey key = sessionKey(issuer, issuerChain, TestPki.newKeyPair(), notBefore, notAfter);
    return EnvelopeFormat.sign(key, ChainMode.EMBEDDED, payload).bytes();
  }

  private static SessionKey sessionKey(
      ContentSigner issuer,
      List<X509Certificate> issuerChain,
      KeyPair pair,
      Instant notBefore,
      Instant notAfter)
      throws Exception {
    X509Certificate session =
        SessionKeysImpl.issue(
            issuer,
            issuerChain.get(0),
            pair.getPublic(),
            TestPki.name("CN=gw-01-session-99,OU=plant-a"),
            notBefore,
            notAfter);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(session);
    chain.addAll(issuerChain);
    return new SessionKey(99, pair, chain, notAfter);
  }
}
