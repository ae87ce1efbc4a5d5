package dev.trustbridge.trust.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.broker.EmbeddedBrokerExtension;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.X509KeyManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every vault backend must do. Each backend's test class supplies its configuration; the token
 * backends run against the rig's SoftHSM2 and tpm2-pkcs11 tokens.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
abstract class VaultContract {

  private static final byte[] DATA = "plant data".getBytes(StandardCharsets.UTF_8);

  /** The configuration of the backend under test, with the right PIN or password. */
  abstract VaultConfig config();

  /** The same backend with a wrong PIN or password. */
  abstract VaultConfig configWithWrongPin();

  /** A configuration of this backend whose module or file cannot be used. */
  abstract VaultConfig unavailableConfig();

  /** Whether the backend keeps keys on a token. */
  abstract boolean isToken();

  /** The right PIN or password, which no text may ever show. */
  abstract String secret();

  private final String alias = "test-" + UUID.randomUUID().toString().substring(0, 8);
  private Vault vault;

  @BeforeEach
  void openVault() throws Exception {
    vault = Vaults.open(config());
  }

  @AfterEach
  void closeVault() {
    if (vault != null) {
      vault.close();
    }
  }

  private Identity generate() throws VaultException {
    return vault.generateIdentity(alias, "CN=gw-" + alias + ",OU=contract");
  }

  @Test
  void generatedKey_staysInTheVault() throws Exception {
    Identity identity = generate();
    X509KeyManager keys = (X509KeyManager) identity.keyManagerFactory().getKeyManagers()[0];
    PrivateKey key = keys.getPrivateKey(alias);

    assertThat(vault.isHardware()).isEqualTo(isToken());
    assertThat(identity.isExportable()).isEqualTo(!isToken());
    assertThat(identity.isEnrolled()).isFalse();
    if (isToken()) {
      assertThat(key.getEncoded()).isNull();
      // SunPKCS11 reads CKA_TOKEN, CKA_SENSITIVE and CKA_EXTRACTABLE from the token for this text
      assertThat(key.toString()).contains("token object", "sensitive", "unextractable");
      assertThat(identity.keyUri())
          .startsWith("pkcs11:")
          .contains("object=" + alias, "type=private");
    }
    assertThat(identity.toString()).doesNotContain(secret());
    assertThat(vault.description()).doesNotContain(secret());
    assertThat(config().toString()).doesNotContain(secret());
  }

  @Test
  void generate_existingAlias_isRefused() throws Exception {
    generate();

    assertThatThrownBy(this::generate)
        .isInstanceOf(VaultException.class)
        .extracting(e -> ((VaultException) e).reason())
        .isEqualTo(Reason.KEY_EXISTS);
  }

  @Test
  void contentSigner_signsInsideVault_verifiableWithPublicKey() throws Exception {
    Identity identity = generate();
    ContentSigner signer = identity.contentSigner();
    try (OutputStream out = signer.getOutputStream()) {
      out.write(DATA);
    }
    byte[] signature = signer.getSignature();

    Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
    verifier.initVerify(identity.publicKey());
    verifier.update(DATA);
    assertThat(verifier.verify(signature)).isTrue();
  }

  @Test
  void csr_verifiesAndCarriesTheIdentityKey() throws Exception {
    Identity identity = generate();

    PKCS10CertificationRequest csr = identity.createCsr("CN=gw-01,OU=plant-a");

    assertThat(
            csr.isSignatureValid(
                new JcaContentVerifierProviderBuilder()
                    .setProvider(new BouncyCastleProvider())
                    .build(csr.getSubjectPublicKeyInfo())))
        .isTrue();
    assertThat(csr.getSubjectPublicKeyInfo().getEncoded())
        .isEqualTo(identity.publicKey().getEncoded());
    assertThat(new X500Principal(csr.getSubject().getEncoded()))
        .isEqualTo(new X500Principal("CN=gw-01,OU=plant-a"));
  }

  @Test
  void installedChain_isKeptAcrossReopen(DevelopmentPki pki) throws Exception {
    Identity identity = generate();
    List<X509Certificate> chain = pki.signClientRequest(identity.createCsr("CN=gw-01"));

    identity.installCertificateChain(chain);
    vault.close();
    vault = Vaults.open(config());

    Identity reopened = vault.identity(alias);
    assertThat(reopened.isEnrolled()).isTrue();
    // a reused token may hold CA certificates of earlier runs under the same name: the stored chain
    // must still start with the leaf and never present a wrong issuer
    assertThat(reopened.certificateChain().get(0)).isEqualTo(chain.get(0));
    assertThat(reopened.certificateChain()).isSubsetOf(chain);
    assertThat(reopened.publicKeyFingerprint()).isEqualTo(identity.publicKeyFingerprint());
  }

  @Test
  void chainOfAnotherKey_isRejected(DevelopmentPki pki) throws Exception {
    Identity identity = generate();
    List<X509Certificate> foreign =
        List.of(pki.clientCertificate("someone-else").certificate(), pki.caCertificate());

    assertThatThrownBy(() -> identity.installCertificateChain(foreign))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("is not for this key")
        .extracting(e -> ((VaultException) e).reason())
        .isEqualTo(Reason.CHAIN_REJECTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void mutualTls_withVaultKey_isAcceptedByBroker(
      String protocol, EmbeddedBroker broker, DevelopmentPki pki) throws Exception {
    Identity identity = generate();
    identity.installCertificateChain(pki.signClientRequest(identity.createCsr("CN=gw-01")));
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("vault-" + alias)
            .serverHost(EmbeddedBroker.HOST)
            .serverPort(broker.tlsPort())
            .sslConfig(
                MqttClientSslConfig.builder()
                    .keyManagerFactory(identity.keyManagerFactory())
                    .trustManagerFactory(pki.trustManagerFactory())
                    .protocols(List.of(protocol))
                    .build())
            .buildBlocking();

    client.connect();
    try {
      assertThat(client.getState().isConnected()).isTrue();
    } finally {
      client.disconnect();
    }
  }

  @Test
  void wrongPin_isRefusedWithItsReason() throws Exception {
    generate();
    // a PKCS#11 login holds for the whole process, so log out before trying another PIN
    vault.close();
    vault = null;

    assertThatThrownBy(() -> Vaults.open(configWithWrongPin()))
        .isInstanceOf(VaultException.class)
        .extracting(e -> ((VaultException) e).reason())
        .isEqualTo(Reason.WRONG_PIN);
  }

  @Test
  void unavailableBackend_failsClosed() {
    assertThatThrownBy(() -> Vaults.open(unavailableConfig()))
        .isInstanceOf(VaultException.class)
        .extracting(e -> ((VaultException) e).reason())
        .isEqualTo(Reason.BACKEND_UNAVAILABLE);
  }
}
