package dev.trustbridge.adapters.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbridge.adapters.mqtt.UplinkSettings.MqttVersion;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UplinkSettingsTest {

  private static final Path CA = Path.of("/etc/trustbridge/ca.pem");
  private static final Path KEYS = Path.of("/etc/trustbridge/gateway.p12");

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
  void tlsFiles_onPlaintextUri_fail() {
    assertThatThrownBy(
            () -> UplinkSettings.builder("plain", "tcp://h").caCertificateFile(CA).build())
        .hasMessage(
            "uplink 'plain': caCertificateFile and clientKeyStoreFile need an ssl:// serverUri");
  }

  @Test
  void keyStore_withoutPassword_fails() {
    assertThatThrownBy(
            () ->
                UplinkSettings.builder("cloud", "ssl://h")
                    .clientKeyStore(KEYS, new char[0])
                    .build())
        .hasMessage("uplink 'cloud': clientKeyStorePassword is required with clientKeyStoreFile");
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
  void password_isCopiedInAndOut_andRedactedInToString() {
    char[] password = "s3cret-pw".toCharArray();
    UplinkSettings settings =
        UplinkSettings.builder("cloud", "ssl://h").clientKeyStore(KEYS, password).build();
    password[0] = 'X';
    settings.clientKeyStorePassword()[1] = 'Y';

    assertThat(settings.clientKeyStorePassword()).containsExactly("s3cret-pw".toCharArray());
    assertThat(settings.toString())
        .doesNotContain("s3cret")
        .contains("clientKeyStorePassword=(redacted)");
  }

  @Test
  void equals_samePasswordContent_isEqual() {
    UplinkSettings a =
        UplinkSettings.builder("cloud", "ssl://h").clientKeyStore(KEYS, "pw".toCharArray()).build();
    UplinkSettings b =
        UplinkSettings.builder("cloud", "ssl://h").clientKeyStore(KEYS, "pw".toCharArray()).build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a)
        .isNotEqualTo(
            UplinkSettings.builder("cloud", "ssl://h")
                .clientKeyStore(KEYS, "other".toCharArray())
                .build());
  }

  @Test
  void tlsProtocols_areImmutable() {
    UplinkSettings settings = UplinkSettings.builder("cloud", "ssl://h").build();

    assertThatThrownBy(() -> settings.tlsProtocols().add("TLSv1.2"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
