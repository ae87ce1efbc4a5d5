package dev.trustbridge.adapters.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbridge.adapters.mqtt.UplinkSettings.MqttVersion;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UplinkSettingsTest {

  private static final Path CA = Path.of("/etc/trustbridge/ca.pem");
  private static final String KEY_URI = "pkcs11:token=trustbridge;object=gateway;type=private";
  private static final String PIN_A = "a".repeat(64);
  private static final String PIN_B = "0123456789abcdef".repeat(4);

  @Test
  void withClientKey_addsTheKeyAndKeepsEverythingElse() throws Exception {
    UplinkSettings plain =
        UplinkSettings.builder("cloud", "ssl://broker:8883")
            .caCertificateFile(CA)
            .pinnedPublicKeys(PIN_A)
            .tlsProtocols("TLSv1.3")
            .build();
    KeyManagerFactory managers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());

    UplinkSettings keyed = plain.withClientKey(managers, KEY_URI);

    assertThat(keyed.clientKeyManagers()).containsSame(managers);
    assertThat(keyed.clientKeyDescription()).isEqualTo(KEY_URI);
    assertThat(keyed.caCertificateFile()).contains(CA);
    assertThat(keyed.pinnedPublicKeys()).containsExactly(PIN_A);
    assertThat(keyed.tlsProtocols()).containsExactly("TLSv1.3");
    assertThat(plain.clientKeyManagers()).isEmpty();
  }

  @Test
  void withClientKey_onPlaintextUplink_isRefused() throws Exception {
    UplinkSettings plaintext = UplinkSettings.builder("cloud", "tcp://broker:1883").build();
    KeyManagerFactory managers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());

    assertThatThrownBy(() -> plaintext.withClientKey(managers, KEY_URI))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need an ssl:// serverUri");
  }

  @Test
  void builder_defaults_areMqtt5Tls13And12QuickReconnect() {
    UplinkSettings settings = UplinkSettings.builder("cloud", "ssl://broker.example:8884").build();

    assertThat(settings.version()).isEqualTo(MqttVersion.MQTT_5);
    assertThat(settings.tls()).isTrue();
    assertThat(settings.host()).isEqualTo("broker.example");
    assertThat(settings.port()).isEqualTo(8884);
    assertThat(settings.clientId()).isEmpty();
    assertThat(settings.keepAlive()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.cleanStart()).isTrue();
    assertThat(settings.sessionExpiry()).isZero();
    assertThat(settings.tlsProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(settings.reconnectInitialDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.reconnectMaxDelay()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.clientKeyManagers()).isEmpty();
    assertThat(settings.clientKeyDescription()).isEqualTo("(none)");
    assertThat(settings.pinnedPublicKeys()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "ssl://host, host, 8883",
    "tcp://host, host, 1883",
    "tcp://10.0.0.5:1884, 10.0.0.5, 1884",
    "'ssl://[::1]:8883', ::1, 8883"
  })
  void serverUri_withOrWithoutPort_givesHostAndPort(String uri, String host, int port) {
    UplinkSettings settings = UplinkSettings.builder("cloud", uri).build();

    assertThat(settings.host()).isEqualTo(host);
    assertThat(settings.port()).isEqualTo(port);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://host:80 | must start with ssl:// (TLS) or tcp://",
        "ssl://host:8883/path | may hold only a host and a port",
        "ssl://user@host:8883 | may hold only a host and a port",
        "ssl:///nohost | has no host",
        "ssl://bad host | is not a URI"
      })
  void serverUri_invalid_failsNamingUplinkAndField(String uri, String message) {
    assertThatThrownBy(() -> UplinkSettings.builder("cloud", uri).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("uplink 'cloud': serverUri '" + uri + "'")
        .hasMessageContaining(message);
  }

  @Test
  void id_notUsableAsUriPath_fails() {
    assertThatThrownBy(() -> UplinkSettings.builder("cloud/eu", "ssl://h").build())
        .hasMessageContaining("uplink id 'cloud/eu' must match");
  }

  @Test
  void tlsOptions_onPlaintextUri_fail() throws Exception {
    String message =
        "uplink 'plain': caCertificateFile, pinnedPublicKeys and clientKeyManagers need an ssl://"
            + " serverUri";

    assertThatThrownBy(
            () -> UplinkSettings.builder("plain", "tcp://h").caCertificateFile(CA).build())
        .hasMessage(message);
    assertThatThrownBy(
            () -> UplinkSettings.builder("plain", "tcp://h").pinnedPublicKeys(PIN_A).build())
        .hasMessage(message);
    KeyManagerFactory keys = keyManagers();
    assertThatThrownBy(
            () -> UplinkSettings.builder("plain", "tcp://h").clientKey(keys, KEY_URI).build())
        .hasMessage(message);
  }

  @Test
  void clientKey_withoutDescription_fails() throws Exception {
    KeyManagerFactory keys = keyManagers();

    for (String blank : new String[] {null, " ", "(none)"}) {
      assertThatThrownBy(
              () -> UplinkSettings.builder("cloud", "ssl://h").clientKey(keys, blank).build())
          .as(String.valueOf(blank))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("uplink 'cloud': clientKeyDescription ");
    }
  }

  @Test
  void clientKeyDescription_withPinValue_failsWithoutEchoingThePin() throws Exception {
    KeyManagerFactory keys = keyManagers();

    assertThatThrownBy(
            () ->
                UplinkSettings.builder("cloud", "ssl://h")
                    .clientKey(keys, KEY_URI + "?PIN-VALUE=123456")
                    .build())
        .hasMessage("uplink 'cloud': clientKeyDescription must not contain a pin-value")
        .message()
        .doesNotContain("123456");
  }

  @Test
  void clientKey_isKeptAsGivenAndDescribedInToString() throws Exception {
    KeyManagerFactory keys = keyManagers();

    UplinkSettings settings =
        UplinkSettings.builder("cloud", "ssl://h").clientKey(keys, KEY_URI).build();

    assertThat(settings.clientKeyManagers()).containsSame(keys);
    assertThat(settings.clientKeyDescription()).isEqualTo(KEY_URI);
    assertThat(settings.toString()).contains("clientKey=" + KEY_URI).doesNotContain("@");
  }

  @Test
  void equals_sameKeyManagersAndPins_isEqual_otherKeyManagersAreNot() throws Exception {
    KeyManagerFactory keys = keyManagers();
    UplinkSettings a =
        UplinkSettings.builder("cloud", "ssl://h")
            .clientKey(keys, KEY_URI)
            .pinnedPublicKeys(PIN_A, PIN_B)
            .build();
    UplinkSettings b =
        UplinkSettings.builder("cloud", "ssl://h")
            .clientKey(keys, KEY_URI)
            .pinnedPublicKeys(PIN_B, PIN_A)
            .build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a)
        .isNotEqualTo(
            UplinkSettings.builder("cloud", "ssl://h")
                .clientKey(keyManagers(), KEY_URI)
                .pinnedPublicKeys(PIN_A, PIN_B)
                .build());
  }

  @Test
  void pinnedPublicKeys_areSortedAndImmutable() {
    UplinkSettings settings =
        UplinkSettings.builder("cloud", "ssl://h").pinnedPublicKeys(PIN_A, PIN_B, PIN_A).build();

    assertThat(settings.pinnedPublicKeys()).containsExactly(PIN_B, PIN_A);
    assertThat(settings.toString()).contains("pinnedPublicKeys=[" + PIN_B + ", " + PIN_A + "]");
    assertThatThrownBy(() -> settings.pinnedPublicKeys().add(PIN_B))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "aaaa",
        "aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa:aa",
        "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
      })
  void pinnedPublicKeys_notLowercaseSha256Hex_fail(String pin) {
    assertThatThrownBy(
            () -> UplinkSettings.builder("cloud", "ssl://h").pinnedPublicKeys(pin).build())
        .hasMessage(
            "uplink 'cloud': pinnedPublicKeys entry '"
                + pin
                + "' must be the SHA-256 of a SubjectPublicKeyInfo as 64 lowercase hex digits");
  }

  @Test
  void tlsProtocols_olderThan12_fail() {
    assertThatThrownBy(
            () -> UplinkSettings.builder("cloud", "ssl://h").tlsProtocols("TLSv1.1").build())
        .hasMessage("uplink 'cloud': tlsProtocols allows TLSv1.3 and TLSv1.2 only, got 'TLSv1.1'");
  }

  @Test
  void sessionExpiry_withMqtt311_fails() {
    assertThatThrownBy(
            () ->
                UplinkSettings.builder("cloud", "ssl://h")
                    .version(MqttVersion.MQTT_3_1_1)
                    .sessionExpiry(Duration.ofHours(1))
                    .build())
        .hasMessageContaining("uplink 'cloud': sessionExpiry needs MQTT 5");
  }

  @Test
  void reconnectDelay_maxShorterThanInitial_fails() {
    assertThatThrownBy(
            () ->
                UplinkSettings.builder("cloud", "ssl://h")
                    .reconnectDelay(Duration.ofSeconds(5), Duration.ofSeconds(1))
                    .build())
        .hasMessage(
            "uplink 'cloud': reconnectMaxDelay must not be shorter than reconnectInitialDelay");
  }

  @Test
  void keepAlive_beyondMqttRange_fails() {
    assertThatThrownBy(
            () -> UplinkSettings.builder("cloud", "ssl://h").keepAlive(Duration.ofDays(1)).build())
        .hasMessageContaining("uplink 'cloud': keepAlive must be 0 s to 65535 s");
  }

  @Test
  void tlsProtocols_areImmutable() {
    UplinkSettings settings = UplinkSettings.builder("cloud", "ssl://h").build();

    assertThatThrownBy(() -> settings.tlsProtocols().add("TLSv1.2"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static KeyManagerFactory keyManagers() throws Exception {
    return KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
  }
}
