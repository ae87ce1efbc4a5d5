package dev.trustbridge.trust.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbridge.trust.envelope.EnvelopeException.Reason;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.Vaults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionKeysTest {

  private static final String KEY_CERT_SIGN_AND_DIGITAL_SIGNATURE = "keyCertSign";

  @TempDir Path directory;

  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private TestPki pki;
  private TestGateway gateway;
  private SessionKeys keys;

  @BeforeEach
  void enroll() throws Exception {
    pki = TestPki.create(clock.instant());
    gateway = TestGateway.enrolled(directory, pki);
  }

  @AfterEach
  void close() {
    if (keys != null) {
      keys.close();
    }
    gateway.close();
  }

  @Test
  void start_enrolledIdentity_certifiesShortLivedSessionCertificate() throws Exception {
    keys = SessionKeys.start(gateway.identity(), Duration.ofHours(1), clock);

    List<X509Certificate> chain = keys.currentChain();
    X509Certificate session = chain.get(0);
    X509Certificate identity = gateway.identity().certificateChain().get(0);
    assertThat(chain.subList(1, chain.size()))
        .containsExactlyElementsOf(gateway.identity().certificateChain());
    assertThat(keys.gateway()).isEqualTo("gw-01");
    assertThat(keys.site()).isEqualTo("plant-a");
    assertThat(session.getIssuerX500Principal()).isEqualTo(identity.getSubjectX500Principal());
    assertThat(session.getSubjectX500Principal())
        .isEqualTo(new X500Principal("CN=gw-01-session-1,OU=plant-a"));
    assertThat(session.getBasicConstraints()).isEqualTo(-1);
    assertThat(session.getKeyUsage()).startsWith(true, false, false, false, false, false);
    assertThat(session.getCriticalExtensionOIDs()).contains("2.5.29.15", "2.5.29.19");
    assertThat(session.getNotBefore().toInstant()).isEqualTo(clock.instant().minusSeconds(60));
    assertThat(session.getNotAfter().toInstant()).isEqualTo(clock.instant().plusSeconds(3600));
    assertThat(session.getSerialNumber().bitLength()).isEqualTo(128);
    assertThat(session.getPublicKey()).isNotEqualTo(gateway.identity().publicKey());
    // signed inside the vault with the identity key
    session.verify(identity.getPublicKey());
  }

  @Test
  void start_identityCertificateWithoutProfile_isRefused() throws Exception {
    Identity identity = gateway.identity();
    identity.installCertificateChain(
        List.of(pki.issueClient(identity.publicKey(), TestGateway.SUBJECT), pki.root()));

    assertThatThrownBy(() -> SessionKeys.start(identity, Duration.ofHours(1), clock))
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining("pathLenConstraint 0")
        .hasMessageContaining("CA:false")
        .extracting(e -> ((EnvelopeException) e).reason())
        .isEqualTo(Reason.IDENTITY_PROFILE);
  }

  @Test
  void start_identityNotEnrolled_isRefused() throws Exception {
    try (Vault vault =
        Vaults.open(new VaultConfig.Software(directory.resolve("fresh.p12"), "pw".toCharArray()))) {
      Identity placeholder = vault.generateIdentity("fresh", TestGateway.SUBJECT);

      assertThatThrownBy(() -> SessionKeys.start(placeholder, Duration.ofHours(1), clock))
          .isInstanceOf(EnvelopeException.class)
          .hasMessageContaining("placeholder")
          .extracting(e -> ((EnvelopeException) e).reason())
          .isEqualTo(Reason.IDENTITY_PROFILE);
    }
  }

  @Test
  void start_lifetimeBeyondMaximum_isRefused() {
    assertThatThrownBy(() -> SessionKeys.start(gateway.identity(), Duration.ofHours(24), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT23H59M");
  }

  @Test
  void rotation_at80PercentOfLifetime_certifiesSuccessorBeforeExpiry() throws Exception {
    keys = SessionKeys.start(gateway.identity(), Duration.ofHours(1), clock);
    X509Certificate first = keys.currentChain().get(0);
    List<List<X509Certificate>> announced = new CopyOnWriteArrayList<>();
    keys.onRotation(announced::add);
    EnvelopeSigner signer =
        EnvelopeSigner.open(
            keys, StreamStateStore.file(directory.resolve("s.json")), ChainMode.EMBEDDED);

    clock.advance(Duration.ofMinutes(47));
    signer.sign("plc-1", List.of());
    assertThat(keys.currentChain().get(0)).isEqualTo(first);

    clock.advance(Duration.ofMinutes(2));
    Envelope duringRotation = signer.sign("plc-1", List.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> !keys.currentChain().get(0).equals(first));

    X509Certificate second = keys.currentChain().get(0);
    assertThat(announced)
        .singleElement()
        .satisfies(chain -> assertThat(chain.get(0)).isEqualTo(second));
    assertThat(second.getSubjectX500Principal())
        .isEqualTo(new X500Principal("CN=gw-01-session-2,OU=plant-a"));
    assertThat(second.getNotBefore()).isBefore(first.getNotAfter());
    assertThat(second.getNotAfter().toInstant())
        .isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(kid(duringRotation)).isEqualTo(EnvelopeTesting.thumbprint(first));
    assertThat(kid(signer.sign("plc-1", List.of()))).isEqualTo(EnvelopeTesting.thumbprint(second));
  }

  @Test
  void rotationListener_publishesAChainsDocumentThatAlreadyHoldsTheNewKey() throws Exception {
    keys = SessionKeys.start(gateway.identity(), Duration.ofHours(1), clock);
    List<String> documentsAtRotation = new CopyOnWriteArrayList<>();
    List<X509Certificate> rotatedTo = new CopyOnWriteArrayList<>();
    keys.onRotation(
        chain -> {
          rotatedTo.add(chain.get(0));
          documentsAtRotation.add(new String(keys.chainsDocument(), StandardCharsets.UTF_8));
        });

    keys.rotate().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(documentsAtRotation)
        .singleElement()
        .asString()
        .contains(EnvelopeTesting.thumbprint(rotatedTo.get(0)));
  }

  @Test
  void rotationFailure_keepsSigningWithCurrentKeyUntilExpiry_thenRecovers() throws Exception {
    keys = SessionKeys.start(gateway.identity(), Duration.ofHours(1), clock);
    X509Certificate first = keys.currentChain().get(0);
    EnvelopeSigner signer =
        EnvelopeSigner.open(
            keys, StreamStateStore.file(directory.resolve("s.json")), ChainMode.EMBEDDED);
    Identity identity = gateway.identity();
    List<X509Certificate> goodChain = identity.certificateChain();
    // a renewal that went wrong: the identity now has a certificate that cannot issue
    identity.installCertificateChain(
        List.of(pki.issueClient(identity.publicKey(), TestGateway.SUBJECT), pki.root()));
    clock.advance(Duration.ofMinutes(50));

    assertThatThrownBy(() -> keys.rotate().toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(EnvelopeException.class)
        .hasMessageContaining("IDENTITY_PROFILE");
    assertThat(kid(signer.sign("plc-1", List.of()))).isEqualTo(EnvelopeTesting.thumbprint(first));

    clock.advance(Duration.ofMinutes(11));
    assertThatThrownBy(() -> signer.sign("plc-1", List.of()))
        .isInstanceOf(EnvelopeException.class)
        .extracting(e -> ((EnvelopeException) e).reason())
        .isEqualTo(Reason.NO_SESSION_KEY);

    identity.installCertificateChain(goodChain);
    clock.advance(Duration.ofMinutes(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              // each failed sign past the retry interval starts the next attempt
              try {
                signer.sign("plc-1", List.of());
              } catch (EnvelopeException e) {
                assertThat(e.reason()).isEqualTo(Reason.NO_SESSION_KEY);
              }
              assertThat(keys.currentChain().get(0)).isNotEqualTo(first);
            });
    assertThat(kid(signer.sign("plc-1", List.of())))
        .isEqualTo(EnvelopeTesting.thumbprint(keys.currentChain().get(0)));
  }

  @Test
  void chainsDocument_listsEverySessionKeyStillOfUse() throws Exception {
    keys = SessionKeys.start(gateway.identity(), Duration.ofHours(1), clock);
    X509Certificate first = keys.currentChain().get(0);
    clock.advance(Duration.ofMinutes(30));
    keys.rotate().toCompletableFuture().join();
    X509Certificate second = keys.currentChain().get(0);

    JsonNode document = new ObjectMapper().readTree(keys.chainsDocument());

    assertThat(document.get("keys")).hasSize(2);
    assertThat(document.get("keys").findValuesAsText("kid"))
        .containsExactly(EnvelopeTesting.thumbprint(first), EnvelopeTesting.thumbprint(second));
    assertThat(document.get("keys").findValuesAsText("x5t#S256"))
        .containsExactly(EnvelopeTesting.thumbprint(first), EnvelopeTesting.thumbprint(second));
    JsonNode key = document.get("keys").get(1);
    assertThat(key.get("kty").asText()).isEqualTo("EC");
    assertThat(key.get("crv").asText()).isEqualTo("P-256");
    assertThat(key.get("alg").asText()).isEqualTo("ES256");
    assertThat(key.has("d")).isFalse();
    assertThat(key.get("x5c")).hasSize(3);

    clock.advance(Duration.ofHours(26));
    keys.rotate().toCompletableFuture().join();
    assertThat(new ObjectMapper().readTree(keys.chainsDocument()).get("keys")).hasSize(1);
  }

  private static String kid(Envelope envelope) throws Exception {
    return EnvelopeTesting.protectedHeader(envelope.bytes()).get("kid").asText();
  }
}
