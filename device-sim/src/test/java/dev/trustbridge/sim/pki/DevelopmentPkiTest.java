package dev.trustbridge.sim.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import javax.net.ssl.X509KeyManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevelopmentPkiTest {

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;
  private static final int KEY_CERT_SIGN = 5;

  @TempDir Path dir;

  @Test
  void signClientRequest_certifiesTheRequestersKey() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);
    KeyPair requester = ecKeyPair();
    PKCS10CertificationRequest request =
        new JcaPKCS10CertificationRequestBuilder(
                new X500Name("CN=gw-tpm,OU=site-1"), requester.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(requester.getPrivate()));

    List<X509Certificate> chain = pki.signClientRequest(request);

    assertThat(chain).hasSize(2);
    assertThat(chain.get(0).getPublicKey()).isEqualTo(requester.getPublic());
    assertThat(chain.get(0).getSubjectX500Principal().getEncoded())
        .isEqualTo(request.getSubject().getEncoded());
    assertThat(chain.get(0).getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    chain.get(0).verify(pki.caCertificate().getPublicKey());
    assertThat(chain.get(1)).isEqualTo(pki.caCertificate());
  }

  @Test
  void signClientRequest_signedByAnotherKey_isRefused() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);
    KeyPair claimed = ecKeyPair();
    KeyPair signer = ecKeyPair();
    PKCS10CertificationRequest forged =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=forged"), claimed.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()));

    assertThatThrownBy(() -> pki.signClientRequest(forged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not signed by its key");
  }

  private static KeyPair ecKeyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  @Test
  void openOrCreate_emptyDirectory_createsSelfSignedP256Ca() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);

    X509Certificate ca = pki.caCertificate();
    ca.verify(ca.getPublicKey());
    assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(ca.getKeyUsage()[KEY_CERT_SIGN]).isTrue();
    assertThat(((ECPublicKey) ca.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(readPem(pki.caCertificateFile())).isEqualTo(ca);
  }

  @Test
  void broker_certificate_chainsToCaWithLocalhostNamesAndServerAuth() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);

    X509Certificate broker = pki.broker().certificate();
    assertChainsTo(broker, pki.caCertificate());
    assertThat(broker.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(DNS_NAME, "localhost"),
            List.of(IP_ADDRESS, "127.0.0.1"),
            List.of(IP_ADDRESS, "0:0:0:0:0:0:0:1"));
    assertThat(broker.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(broker.getBasicConstraints()).isEqualTo(-1);
    assertThat(readPem(pki.broker().certificateFile())).isEqualTo(broker);
    assertKeyStoreHolds(pki, pki.broker());
  }

  @Test
  void clientCertificate_name_hasCommonNameClientAuthAndChainsToCa() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);

    IssuedCertificate gateway = pki.clientCertificate("gateway");

    assertThat(gateway.certificateFile()).isEqualTo(dir.resolve("gateway.pem"));
    assertThat(gateway.keyStoreFile()).isEqualTo(dir.resolve("gateway.p12"));
    assertThat(gateway.certificate().getSubjectX500Principal())
        .isEqualTo(new X500Principal("CN=gateway,O=TrustBridge development"));
    assertThat(gateway.certificate().getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertChainsTo(gateway.certificate(), pki.caCertificate());
    assertKeyStoreHolds(pki, gateway);
  }

  @Test
  void operatorCertificate_roles_areRoleAttributesAndOtherRolesReissue() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);

    IssuedCertificate alice = pki.operatorCertificate("alice", "operator", "shift-lead");
    IssuedCertificate again = pki.operatorCertificate("alice", "operator", "shift-lead");
    IssuedCertificate demoted = pki.operatorCertificate("alice", "operator");

    assertThat(alice.certificate().getSubjectX500Principal().getName())
        .isEqualTo(
            "2.5.4.72=#0c0a73686966742d6c656164,2.5.4.72=#0c086f70657261746f72,CN=alice,"
                + "O=TrustBridge development");
    assertThat(alice.certificate().getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(again.certificate()).isEqualTo(alice.certificate());
    assertThat(demoted.certificate().getSubjectX500Principal().getName())
        .isEqualTo("2.5.4.72=#0c086f70657261746f72,CN=alice,O=TrustBridge development");
    assertChainsTo(alice.certificate(), pki.caCertificate());
    assertKeyStoreHolds(pki, demoted);
  }

  @Test
  void issueServerCertificate_expiredForOtherHosts_hasThatValidityAndNamesUnderTheCa()
      throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);
    Instant notBefore = Instant.parse("2024-03-01T08:00:00.750Z");
    Instant notAfter = Instant.parse("2024-06-01T08:00:00Z");

    IssuedCertificate expired =
        pki.issueServerCertificate(
            "expired-broker", notBefore, notAfter, "broker.elsewhere.example", "10.1.2.3");

    X509Certificate certificate = expired.certificate();
    assertThat(certificate.getNotBefore().toInstant())
        .isEqualTo(Instant.parse("2024-03-01T08:00:00Z"));
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(notAfter);
    assertThatThrownBy(certificate::checkValidity).isInstanceOf(CertificateExpiredException.class);
    assertThat(certificate.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(DNS_NAME, "broker.elsewhere.example"), List.of(IP_ADDRESS, "10.1.2.3"));
    assertThat(certificate.getSubjectX500Principal())
        .isEqualTo(new X500Principal("CN=broker.elsewhere.example,O=TrustBridge development"));
    assertThat(certificate.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    certificate.verify(pki.caCertificate().getPublicKey());
    assertThat(readPem(dir.resolve("expired-broker.pem"))).isEqualTo(certificate);
    assertKeyStoreHolds(pki, expired);
    assertThat(pki.broker().certificate().getNotAfter().toInstant()).isAfter(Instant.now());
  }

  @Test
  void keyManagerFactory_issuedServerCertificate_presentsItsKeyAndChain() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);
    IssuedCertificate server =
        pki.issueServerCertificate(
            "other-host",
            Instant.now().minusSeconds(60),
            Instant.now().plusSeconds(3600),
            "other.example");

    X509KeyManager keys = (X509KeyManager) pki.keyManagerFactory(server).getKeyManagers()[0];

    assertThat(keys.getCertificateChain("other-host"))
        .containsExactly(server.certificate(), pki.caCertificate());
    assertThat(keys.getPrivateKey("other-host")).isNotNull();
  }

  @Test
  void issueServerCertificate_emptyValidityOrNoHost_fails() {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    assertThatThrownBy(() -> pki.issueServerCertificate("s", now, now, "localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "server certificate 's': notAfter 2026-01-01T00:00:00Z is not after"
                + " 2026-01-01T00:00:00Z");
    assertThatThrownBy(() -> pki.issueServerCertificate("s", now, now.plusSeconds(60)))
        .hasMessage("server certificate 's' needs a host name");
    assertThatThrownBy(
            () -> pki.issueServerCertificate("broker", now, now.plusSeconds(60), "localhost"))
        .hasMessageContaining("server certificate name 'broker' must match");
  }

  @Test
  void trustStore_file_holdsCaAsTrustedEntry() throws Exception {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);

    KeyStore trustStore = load(pki.trustStoreFile(), pki.password());

    assertThat(trustStore.isCertificateEntry("ca")).isTrue();
    assertThat(trustStore.getCertificate("ca")).isEqualTo(pki.caCertificate());
  }

  @Test
  void openOrCreate_twice_reusesCaBrokerAndClientCertificates() {
    DevelopmentPki first = DevelopmentPki.openOrCreate(dir);
    X509Certificate firstGateway = first.clientCertificate("gateway").certificate();

    DevelopmentPki second = DevelopmentPki.openOrCreate(dir);

    assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(second.broker().certificate()).isEqualTo(first.broker().certificate());
    assertThat(second.clientCertificate("gateway").certificate()).isEqualTo(firstGateway);
    assertThat(second.password()).isEqualTo(first.password());
  }

  @Test
  void openOrCreate_brokerKeyStoreDeleted_regeneratesBrokerOnlyUnderSameCa() throws Exception {
    DevelopmentPki first = DevelopmentPki.openOrCreate(dir);
    Files.delete(first.broker().keyStoreFile());

    DevelopmentPki second = DevelopmentPki.openOrCreate(dir);

    assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(second.broker().certificate()).isNotEqualTo(first.broker().certificate());
    assertChainsTo(second.broker().certificate(), second.caCertificate());
    assertThat(readPem(second.broker().certificateFile())).isEqualTo(second.broker().certificate());
  }

  @Test
  void openOrCreate_caExpiring_regeneratesCaAndReissuesEveryCertificate() throws Exception {
    DevelopmentPki first = DevelopmentPki.openOrCreate(dir);
    X509Certificate firstGateway = first.clientCertificate("gateway").certificate();
    Instant afterCaExpiry = first.caCertificate().getNotAfter().toInstant().plusSeconds(60);

    DevelopmentPki later =
        DevelopmentPki.openOrCreate(dir, Clock.fixed(afterCaExpiry, ZoneOffset.UTC));
    X509Certificate laterGateway = later.clientCertificate("gateway").certificate();

    assertThat(later.caCertificate()).isNotEqualTo(first.caCertificate());
    assertThat(later.caCertificate().getNotAfter().toInstant()).isAfter(afterCaExpiry);
    assertThat(laterGateway).isNotEqualTo(firstGateway);
    laterGateway.verify(later.caCertificate().getPublicKey());
    later.broker().certificate().verify(later.caCertificate().getPublicKey());
    assertThat(load(later.trustStoreFile(), later.password()).getCertificate("ca"))
        .isEqualTo(later.caCertificate());
  }

  @Test
  void openOrCreate_brokerExpiringWithinADay_renewsBrokerOnly() {
    DevelopmentPki first = DevelopmentPki.openOrCreate(dir);
    Instant dayBeforeBrokerExpiry =
        first.broker().certificate().getNotAfter().toInstant().minus(Duration.ofHours(23));

    DevelopmentPki later =
        DevelopmentPki.openOrCreate(dir, Clock.fixed(dayBeforeBrokerExpiry, ZoneOffset.UTC));

    assertThat(later.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(later.broker().certificate()).isNotEqualTo(first.broker().certificate());
  }

  @Test
  void openOrCreate_passwordFileDeleted_regeneratesPasswordAndUnreadableKeyStores()
      throws Exception {
    DevelopmentPki first = DevelopmentPki.openOrCreate(dir);
    Files.delete(first.passwordFile());

    DevelopmentPki second = DevelopmentPki.openOrCreate(dir);

    assertThat(second.password()).isNotEqualTo(first.password());
    assertThat(second.caCertificate()).isNotEqualTo(first.caCertificate());
    assertKeyStoreHolds(second, second.broker());
    assertThat(load(second.trustStoreFile(), second.password()).getCertificate("ca"))
        .isEqualTo(second.caCertificate());
  }

  @Test
  void openOrCreate_newDirectory_secretsAreOwnerOnly() throws Exception {
    Path pkiDir = dir.resolve("nested/pki");
    DevelopmentPki pki = DevelopmentPki.openOrCreate(pkiDir);
    pki.clientCertificate("gateway");

    assertThat(Files.getPosixFilePermissions(pkiDir))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    for (String secret :
        List.of("keystore-password", "ca.p12", "broker.p12", "gateway.p12", "truststore.p12")) {
      assertThat(Files.getPosixFilePermissions(pkiDir.resolve(secret)))
          .as(secret)
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(Files.readString(pki.passwordFile())).isEqualTo(new String(pki.password()));
    assertThat(pki.password()).hasSizeGreaterThanOrEqualTo(32);
  }

  @Test
  void openOrCreate_passwordFileWithTrailingNewlineAndWideMode_readsPasswordAndRestrictsMode()
      throws Exception {
    DevelopmentPki first = DevelopmentPki.openOrCreate(dir);
    Files.writeString(first.passwordFile(), new String(first.password()) + "\n");
    Files.setPosixFilePermissions(
        first.passwordFile(), PosixFilePermissions.fromString("rw-r--r--"));

    DevelopmentPki second = DevelopmentPki.openOrCreate(dir);

    assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(Files.getPosixFilePermissions(second.passwordFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void clientCertificate_reservedOrPathLikeName_fails() {
    DevelopmentPki pki = DevelopmentPki.openOrCreate(dir);

    for (String name : List.of("broker", "ca", "truststore", "../gateway", "", "a/b")) {
      assertThatThrownBy(() -> pki.clientCertificate(name))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("client certificate name '" + name + "'");
    }
  }

  private static void assertChainsTo(X509Certificate leaf, X509Certificate ca) throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(factory.generateCertPath(List.of(leaf)), parameters);
  }

  private static void assertKeyStoreHolds(DevelopmentPki pki, IssuedCertificate issued)
      throws Exception {
    KeyStore store = load(issued.keyStoreFile(), pki.password());
    assertThat(store.getKey(issued.name(), pki.password())).isInstanceOf(PrivateKey.class);
    Certificate[] chain = store.getCertificateChain(issued.name());
    assertThat(chain).containsExactly(issued.certificate(), pki.caCertificate());
  }

  private static KeyStore load(Path file, char[] password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }

  private static X509Certificate readPem(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
