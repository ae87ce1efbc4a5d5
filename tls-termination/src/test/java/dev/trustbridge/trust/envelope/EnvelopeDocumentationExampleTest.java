package dev.trustbridge.trust.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.X509CertChainUtils;
import com.nimbusds.jose.util.X509CertUtils;
import dev.trustbridge.trust.envelope.VerificationResult.Failed;
import dev.trustbridge.trust.envelope.VerificationResult.Failure;
import dev.trustbridge.trust.envelope.VerificationResult.Verified;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worked example of {@code docs/envelope.md}: two envelopes of one device in {@link
 * ChainMode#EMBEDDED} mode, checked the three ways the document describes (the {@link
 * EnvelopeVerifier}, plain JCA, Nimbus JOSE+JWT as in its snippets), both as the document shows
 * them and freshly signed. The fresh example is written to {@code target/envelope-example/}, the
 * material the document's example was pasted from; checking the pasted one keeps the document true
 * to the format.
 */
class EnvelopeDocumentationExampleTest {

  /** Gateway time of the example: in the past, so its session certificate has expired by now. */
  private static final Instant STARTED = Instant.parse("2026-11-26T08:00:00Z");

  private static final StreamId STREAM = new StreamId("plant-a", "gw-01", "press-1");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Tests run in the module's directory. */
  private static final Path DOCUMENT = Path.of("..", "docs", "envelope.md");

  @TempDir static Path directory;

  private static Example generated;

  /** A fleet CA and the envelopes, in order, that it should accept. */
  record Example(String name, X509Certificate fleetCa, List<byte[]> envelopes) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void generate() throws Exception {
    MutableClock clock = new MutableClock(STARTED);
    TestPki pki = TestPki.create(clock.instant());
    List<Envelope> envelopes = new ArrayList<>();
    try (TestGateway gateway = TestGateway.enrolled(directory, pki);
        SessionKeys keys =
            SessionKeys.start(gateway.identity(), SessionKeys.DEFAULT_LIFETIME, clock);
        StreamStateStore store = StreamStateStore.file(directory.resolve("state.json"))) {
      EnvelopeSigner signer = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);
      clock.advance(Duration.ofMillis(1250));
      envelopes.add(
          signer.sign(
              STREAM.device(),
              List.of(
                  sample("temperature", 21.5, EnvelopeSample.GOOD, clock, "°C"),
                  sample("count", 1042L, EnvelopeSample.GOOD, clock, "pcs"))));
      clock.advance(Duration.ofSeconds(1));
      envelopes.add(
          signer.sign(
              STREAM.device(),
              List.of(
                  sample("temperature", 21.625, EnvelopeSample.GOOD, clock, "°C"),
                  sample("count", null, EnvelopeSample.BAD, clock, "pcs"))));
    }
    generated =
        new Example("generated", pki.root(), envelopes.stream().map(Envelope::bytes).toList());
    write(pki.root(), envelopes);
  }

  private static EnvelopeSample sample(
      String tag, Object value, String quality, MutableClock clock, String unit) {
    return new EnvelopeSample(tag, value, quality, clock.instant().minusMillis(120), unit);
  }

  static Stream<Example> examples() throws Exception {
    return Stream.of(generated, documented());
  }

  /** The example as {@code docs/envelope.md} shows it. */
  private static Example documented() throws Exception {
    return new Example(
        "documented",
        X509CertUtils.parseWithException(block("fleet-ca")),
        List.of(
            block("envelope-1").getBytes(StandardCharsets.UTF_8),
            block("envelope-2").getBytes(StandardCharsets.UTF_8)));
  }

  /** The code block that follows {@code <!-- example: name -->} in the document, without fences. */
  private static String block(String name) throws Exception {
    List<String> lines = Files.readAllLines(DOCUMENT);
    int marker = lines.indexOf("<!-- example: " + name + " -->");
    assertThat(marker).as("marker of %s in %s", name, DOCUMENT).isNotNegative();
    assertThat(lines.get(marker + 1)).startsWith("```");
    int end = lines.subList(marker + 2, lines.size()).indexOf("```") + marker + 2;
    return String.join("\n", lines.subList(marker + 2, end));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void example_envelopeVerifier_verifiesBothInOrderThenDuplicate(Example example) {
    EnvelopeVerifier verifier = EnvelopeVerifier.create(List.of(example.fleetCa()));

    EnvelopeContent first = verified(verifier, example.envelopes().get(0));
    EnvelopeContent second = verified(verifier, example.envelopes().get(1));

    assertThat(first.stream()).isEqualTo(STREAM);
    assertThat(first.seq()).isEqualTo(1);
    assertThat(first.prev()).isEmpty();
    assertThat(first.samples()).hasSize(2);
    assertThat(second.seq()).isEqualTo(2);
    assertThat(second.prev()).contains(first.hash());
    assertThat(second.samples()).hasSize(2);
    // the example is expired test material: it verifies because the chain is checked at its time
    X509Certificate session = first.chain().get(0);
    assertThat(session.getNotAfter().toInstant()).isBefore(Instant.now());
    assertThat(first.time()).isBetween(STARTED, session.getNotAfter().toInstant());
    assertThat(failure(verifier, example.envelopes().get(1))).isEqualTo(Failure.DUPLICATE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void example_secondBeforeFirst_joinsAtSecondThenReorder(Example example) {
    EnvelopeVerifier verifier = EnvelopeVerifier.create(List.of(example.fleetCa()));

    assertThat(verified(verifier, example.envelopes().get(1)).seq()).isEqualTo(2);
    assertThat(failure(verifier, example.envelopes().get(0))).isEqualTo(Failure.REORDER);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void example_plainJca_verifiesSignatureChainAndLink(Example example) throws Exception {
    String previousHash = null;
    for (byte[] envelope : example.envelopes()) {
      JsonNode jws = JSON.readTree(envelope);
      assertThat(jws.size()).isEqualTo(3);
      String signingInput = jws.get("protected").asText() + "." + jws.get("payload").asText();
      JsonNode header = decode(jws.get("protected").asText());
      JsonNode payload = decode(jws.get("payload").asText());
      assertThat(header.get("alg").asText()).isEqualTo("ES256");
      assertThat(header.get("typ").asText()).isEqualTo("tb-envelope+jws");
      List<X509Certificate> chain = new ArrayList<>();
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (JsonNode link : header.get("x5c")) {
        chain.add(
            (X509Certificate)
                factory.generateCertificate(
                    new ByteArrayInputStream(Base64.getDecoder().decode(link.asText()))));
      }
      assertThat(header.get("kid").asText()).isEqualTo(EnvelopeTesting.thumbprint(chain.get(0)));

      Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
      ecdsa.initVerify(chain.get(0).getPublicKey());
      ecdsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      assertThat(ecdsa.verify(Base64.getUrlDecoder().decode(jws.get("signature").asText())))
          .isTrue();

      List<X509Certificate> path = new ArrayList<>(chain);
      path.removeIf(example.fleetCa()::equals);
      PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(example.fleetCa(), null)));
      pkix.setRevocationEnabled(false);
      pkix.setDate(Date.from(Instant.parse(payload.get("time").asText())));
      CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), pkix);

      if (previousHash == null) {
        assertThat(payload.get("prev").isNull()).isTrue();
      } else {
        assertThat(payload.get("prev").asText()).isEqualTo(previousHash);
      }
      previousHash = hash(signingInput);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void example_nimbusSnippets_verifyAndLink(Example example) throws Exception {
    Checked first = verifyWithNimbus(example.envelopes().get(0), example.fleetCa());
    Checked second = verifyWithNimbus(example.envelopes().get(1), example.fleetCa());
    requireProfiles(first);
    requireProfiles(second);

    assertThat(first.hash()).isEqualTo(hash(signingInput(example.envelopes().get(0))));
    assertThat(first.payload()).containsEntry("seq", 1L).containsEntry("prev", null);
    assertThat(second.payload()).containsEntry("seq", 2L).containsEntry("prev", first.hash());
    assertThat(first.path()).doesNotContain(example.fleetCa()).hasSize(2);
  }

  @Test
  void nimbusSnippets_tamperedOrImpersonating_refused() throws Exception {
    byte[] envelope = generated.envelopes().get(0);
    String payload = EnvelopeTesting.payloadText(envelope);
    byte[] tampered = EnvelopeTesting.withPayload(envelope, payload.replace("21.5", "29.5"));
    Checked checked = verifyWithNimbus(envelope, generated.fleetCa());
    Map<String, Object> otherGateway = new HashMap<>(checked.payload());
    otherGateway.put("gateway", "gw-02");

    assertThatThrownBy(() -> verifyWithNimbus(tampered, generated.fleetCa()))
        .hasMessage("bad signature");
    assertThatThrownBy(
            () -> requireProfiles(new Checked(otherGateway, checked.path(), checked.hash())))
        .hasMessageContaining("another gateway");
    assertThatThrownBy(() -> verifyWithNimbus(envelope, TestPki.create(STARTED).root()))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void documentedExample_decodedFormsAndHashMatchTheEnvelopes() throws Exception {
    Example example = documented();
    JsonNode first = JSON.readTree(example.envelopes().get(0));
    JsonNode second = JSON.readTree(example.envelopes().get(1));

    assertThat(JSON.readTree(block("envelope-1-header")))
        .isEqualTo(decode(first.get("protected").asText()));
    assertThat(JSON.readTree(block("envelope-1-payload")))
        .isEqualTo(decode(first.get("payload").asText()));
    assertThat(JSON.readTree(block("envelope-2-payload")))
        .isEqualTo(decode(second.get("payload").asText()));
    String hash = block("envelope-1-hash");
    assertThat(hash).isEqualTo(hash(signingInput(example.envelopes().get(0))));
    assertThat(decode(second.get("payload").asText()).get("prev").asText()).isEqualTo(hash);
    assertThat(second.get("protected")).isEqualTo(first.get("protected"));
  }

  @Test
  void generatedExample_isWrittenForTheDocument() throws Exception {
    Path out = exampleDirectory();

    assertThat(Files.readAllBytes(out.resolve("envelope-1.json")))
        .isEqualTo(generated.envelopes().get(0));
    assertThat(Files.readAllBytes(out.resolve("envelope-2.json")))
        .isEqualTo(generated.envelopes().get(1));
    assertThat(X509CertUtils.parse(Files.readString(out.resolve("fleet-ca.pem"))))
        .isEqualTo(generated.fleetCa());
    assertThat(JSON.readTree(out.resolve("envelope-2.payload.json").toFile()).get("prev").asText())
        .isEqualTo(Files.readString(out.resolve("envelope-1.hash.txt")).strip());
  }

  /** What the document's Nimbus snippet yields: the payload, the path below the CA, the hash. */
  record Checked(Map<String, Object> payload, List<X509Certificate> path, String hash) {}

  /**
   * The first snippet of the document's section "Verifying with a stock library": Nimbus JOSE+JWT
   * and JCA only, no TrustBridge code.
   */
  static Checked verifyWithNimbus(byte[] envelope, X509Certificate fleetCa) throws Exception {
    Map<String, Object> flat = JSONObjectUtils.parse(new String(envelope, StandardCharsets.UTF_8));
    if (!flat.keySet().equals(Set.of("protected", "payload", "signature"))) {
      throw new IllegalArgumentException("not a flattened JWS with a protected header only");
    }
    JWSObject jws =
        JWSObject.parse(
            flat.get("protected") + "." + flat.get("payload") + "." + flat.get("signature"));
    JWSHeader header = jws.getHeader();
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())
        || !new JOSEObjectType("tb-envelope+jws").equals(header.getType())) {
      throw new IllegalArgumentException("not an ES256 tb-envelope+jws");
    }
    List<X509Certificate> chain = X509CertChainUtils.parse(header.getX509CertChain());
    X509Certificate session = chain.get(0);
    if (!X509CertUtils.computeSHA256Thumbprint(session).toString().equals(header.getKeyID())) {
      throw new IllegalArgumentException("kid is not the thumbprint of x5c[0]");
    }
    if (!jws.verify(new ECDSAVerifier((ECPublicKey) session.getPublicKey()))) {
      throw new IllegalArgumentException("bad signature");
    }
    Map<String, Object> payload = jws.getPayload().toJSONObject();

    List<X509Certificate> path = new ArrayList<>(chain);
    path.removeIf(fleetCa::equals); // the trust anchor is not part of the path
    PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(fleetCa, null)));
    pkix.setRevocationEnabled(false);
    pkix.setDate(Date.from(Instant.parse((String) payload.get("time")))); // not now
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), pkix);

    String hash =
        Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(jws.getSigningInput()))
            .toString();
    return new Checked(payload, path, hash);
  }

  /** The second snippet: the certificate profiles and the names, JCA and Nimbus's curves. */
  static void requireProfiles(Checked checked) throws Exception {
    X509Certificate session = checked.path().get(0);
    X509Certificate identity = checked.path().get(1);
    boolean[] sessionUsage = session.getKeyUsage();
    boolean[] identityUsage = identity.getKeyUsage();
    Duration validity =
        Duration.between(session.getNotBefore().toInstant(), session.getNotAfter().toInstant());
    boolean sessionProfile =
        session.getBasicConstraints() == -1
            && sessionUsage != null
            && sessionUsage[0] // digitalSignature, and nothing else
            && IntStream.range(1, sessionUsage.length).noneMatch(i -> sessionUsage[i])
            && session.getPublicKey() instanceof ECPublicKey key
            && Curve.P_256.equals(Curve.forECParameterSpec(key.getParams()))
            && validity.compareTo(Duration.ofHours(24)) <= 0;
    boolean identityProfile =
        identity.getBasicConstraints() == 0 // CA:true, pathLenConstraint 0
            && identityUsage != null
            && identityUsage[0] // digitalSignature
            && identityUsage[5] // keyCertSign
            && identity.getExtendedKeyUsage() != null
            && identity.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"); // clientAuth
    if (!sessionProfile || !identityProfile) {
      throw new IllegalArgumentException("certificate profile");
    }
    List<Rdn> names = new LdapName(identity.getSubjectX500Principal().getName()).getRdns();
    if (!List.of(checked.payload().get("gateway")).equals(values(names, "CN"))
        || !List.of(checked.payload().get("site")).equals(values(names, "OU"))) {
      throw new IllegalArgumentException("payload names another gateway or site");
    }
  }

  private static List<Object> values(List<Rdn> names, String type) {
    return names.stream()
        .filter(rdn -> rdn.getType().equalsIgnoreCase(type))
        .map(Rdn::getValue)
        .toList();
  }

  private static EnvelopeContent verified(EnvelopeVerifier verifier, byte[] envelope) {
    VerificationResult result = verifier.verify(envelope);
    assertThat(result).as(result.toString()).isInstanceOf(Verified.class);
    return ((Verified) result).content();
  }

  private static Failure failure(EnvelopeVerifier verifier, byte[] envelope) {
    VerificationResult result = verifier.verify(envelope);
    assertThat(result).isInstanceOf(Failed.class);
    return ((Failed) result).failure();
  }

  private static String signingInput(byte[] envelope) throws Exception {
    JsonNode jws = JSON.readTree(envelope);
    return jws.get("protected").asText() + "." + jws.get("payload").asText();
  }

  private static String hash(String signingInput) throws Exception {
    return EnvelopeTesting.base64Url(
        MessageDigest.getInstance("SHA-256")
            .digest(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  private static JsonNode decode(String base64Url) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(base64Url));
  }

  private static String pem(X509Certificate certificate) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static Path exampleDirectory() {
    return Path.of("target", "envelope-example").toAbsolutePath();
  }

  private static void write(X509Certificate fleetCa, List<Envelope> envelopes) throws Exception {
    Path out = Files.createDirectories(exampleDirectory());
    Files.writeString(out.resolve("fleet-ca.pem"), pem(fleetCa));
    DefaultPrettyPrinter pretty =
        new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    for (int i = 0; i < envelopes.size(); i++) {
      Envelope envelope = envelopes.get(i);
      String name = "envelope-" + (i + 1);
      JsonNode jws = JSON.readTree(envelope.bytes());
      Files.write(out.resolve(name + ".json"), envelope.bytes());
      Files.writeString(
          out.resolve(name + ".header.json"),
          JSON.writer(pretty).writeValueAsString(decode(jws.get("protected").asText())) + "\n");
      Files.writeString(
          out.resolve(name + ".payload.json"),
          JSON.writer(pretty).writeValueAsString(decode(jws.get("payload").asText())) + "\n");
      Files.writeString(out.resolve(name + ".signing-input.txt"), signingInput(envelope.bytes()));
      Files.writeString(out.resolve(name + ".hash.txt"), envelope.hash() + "\n");
    }
  }
}
