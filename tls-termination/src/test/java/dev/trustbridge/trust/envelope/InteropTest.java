package dev.trustbridge.trust.envelope;

import static dev.trustbridge.trust.envelope.EnvelopeSignerTest.samples;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies envelopes the way a consumer without any JOSE library would: a JSON parser, base64url,
 * the JDK's own ECDSA (SunEC) and PKIX. Nothing of TrustBridge or Nimbus is used on this side.
 */
class InteropTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;

  @Test
  void envelope_verifiesWithPlainJcaAndJsonParser() throws Exception {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    TestPki pki = TestPki.create(clock.instant());
    List<byte[]> envelopes = new ArrayList<>();
    try (TestGateway gateway = TestGateway.enrolled(directory, pki);
        SessionKeys keys = SessionKeys.start(gateway.identity(), Duration.ofHours(1), clock);
        StreamStateStore store = StreamStateStore.file(directory.resolve("state.json"))) {
      EnvelopeSigner signer = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);
      envelopes.add(signer.sign("plc-1", samples(21.5)).bytes());
      envelopes.add(signer.sign("plc-1", samples(22.5)).bytes());
    }

    String previousHash = null;
    for (int i = 0; i < envelopes.size(); i++) {
      JsonNode envelope = JSON.readTree(envelopes.get(i));
      String protectedB64 = envelope.get("protected").asText();
      String payloadB64 = envelope.get("payload").asText();
      byte[] signingInput = (protectedB64 + "." + payloadB64).getBytes(StandardCharsets.US_ASCII);
      JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(protectedB64));
      JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(payloadB64));
      byte[] rawSignature = Base64.getUrlDecoder().decode(envelope.get("signature").asText());

      assertThat(header.get("alg").asText()).isEqualTo("ES256");
      assertThat(header.get("typ").asText()).isEqualTo("tb-envelope+jws");
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> chain = new ArrayList<>();
      for (JsonNode link : header.get("x5c")) {
        chain.add(
            (X509Certificate)
                factory.generateCertificate(
                    new ByteArrayInputStream(Base64.getDecoder().decode(link.asText()))));
      }
      assertThat(header.get("kid").asText())
          .isEqualTo(
              Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(
                      MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded())));

      // JWS carries R || S; the JDK reads it directly in P1363 format, or as DER after conversion
      Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
      p1363.initVerify(chain.get(0).getPublicKey());
      p1363.update(signingInput);
      assertThat(p1363.verify(rawSignature)).isTrue();
      Signature der = Signature.getInstance("SHA256withECDSA", "SunEC");
      der.initVerify(chain.get(0).getPublicKey());
      der.update(signingInput);
      assertThat(der.verify(toDer(rawSignature))).isTrue();
      signingInput[signingInput.length - 1] ^= 1;
      p1363.initVerify(chain.get(0).getPublicKey());
      p1363.update(signingInput);
      assertThat(p1363.verify(rawSignature)).isFalse();
      signingInput[signingInput.length - 1] ^= 1;

      List<X509Certificate> path = new ArrayList<>(chain);
      path.remove(pki.root());
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(pki.root(), null)));
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(Instant.parse(payload.get("time").asText())));
      CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), parameters);

      assertThat(payload.get("seq").asLong()).isEqualTo(i + 1);
      assertThat(chain.get(1).getSubjectX500Principal())
          .isEqualTo(
              new X500Principal(
                  "CN=" + payload.get("gateway").asText() + ",OU=" + payload.get("site").asText()));
      if (previousHash == null) {
        assertThat(payload.get("prev").isNull()).isTrue();
      } else {
        assertThat(payload.get("prev").asText()).isEqualTo(previousHash);
      }
      assertThat(payload.get("samples").get(0).get("value").asDouble()).isEqualTo(21.5 + i);
      previousHash =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(MessageDigest.getInstance("SHA-256").digest(signingInput));
    }
  }

  /** R || S, 32 bytes each, as an ASN.1 SEQUENCE of two INTEGERs. */
  private static byte[] toDer(byte[] rawSignature) {
    byte[] r = new BigInteger(1, Arrays.copyOfRange(rawSignature, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(rawSignature, 32, 64)).toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.write(4 + r.length + s.length);
    out.write(0x02);
    out.write(r.length);
    out.writeBytes(r);
    out.write(0x02);
    out.write(s.length);
    out.writeBytes(s);
    return out.toByteArray();
  }
}
