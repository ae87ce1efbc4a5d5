package dev.trustbridge.runtime.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbridge.runtime.Gateway;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.broker.EmbeddedBrokerExtension;
import dev.trustbridge.sim.modbus.ModbusSimulatorExtension;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live gateway with traffic (Modbus simulator → gateway → embedded broker with mutual TLS),
 * observed from outside as an operator would: Prometheus text and health JSON over HTTP, MBeans.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class ObservabilityTest {

  @RegisterExtension
  static final ModbusSimulatorExtension PLANT =
      ModbusSimulatorExtension.fromYaml(
          """
          tick: 100ms
          devices:
            - id: mixer-1
              points:
                - {table: inputRegister, address: 0, type: uint16, value: {counter: {start: 1, increment: 1}}}
          """);

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path configDirectory;
  private final EmbeddedBroker broker;
  private final DevelopmentPki pki;
  private final HttpClient http = HttpClient.newHttpClient();
  private Gateway gateway;
  private int port;

  ObservabilityTest(EmbeddedBroker broker, DevelopmentPki pki) {
    this.broker = broker;
    this.pki = pki;
  }

  @AfterEach
  void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void metrics_ofGatewayWithTraffic_passPromtoolWithTrustState() throws Exception {
    start(pki.caCertificateFile(), "");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> value(scrape(), "trustbridge_outbox_delivered_total{uplink=\"cloud\"}") >= 3);

    String scrape = scrape();

    assertThat(promtool(scrape)).isEmpty();
    assertThat(value(scrape, "trustbridge_samples_total{device=\"mixer-1\",quality=\"GOOD\"}"))
        .isGreaterThanOrEqualTo(3);
    assertThat(
            value(
                scrape, "trustbridge_envelopes_signed_total{device=\"mixer-1\",kind=\"samples\"}"))
        .isGreaterThanOrEqualTo(3);
    assertThat(value(scrape, "trustbridge_uplink_connected{uplink=\"cloud\"}")).isEqualTo(1);
    assertThat(value(scrape, "trustbridge_uplink_reconnects_total{uplink=\"cloud\"}")).isZero();
    assertThat(
            value(scrape, "trustbridge_device_connected{device=\"mixer-1\",protocol=\"modbus\"}"))
        .isEqualTo(1);
    assertThat(
            value(
                scrape,
                "trustbridge_device_poll_seconds_count{device=\"mixer-1\",protocol=\"modbus\"}"))
        .isGreaterThanOrEqualTo(3);
    assertThat(value(scrape, "trustbridge_outbox_tamper_rejected_total{uplink=\"cloud\"}"))
        .isZero();
    assertThat(value(scrape, "trustbridge_outbox_dropped_total{reason=\"full\",uplink=\"cloud\"}"))
        .isZero();
    assertThat(value(scrape, "trustbridge_outbox_bytes{uplink=\"cloud\"}")).isNotNegative();
    assertThat(value(scrape, "trustbridge_certificate_expiry_seconds{certificate=\"identity\"}"))
        .isGreaterThan(Duration.ofDays(1).toSeconds());
    assertThat(value(scrape, "trustbridge_certificate_expiry_seconds{certificate=\"session\"}"))
        .isBetween(1.0, (double) Duration.ofHours(1).toSeconds());
    assertThat(
            value(
                scrape, "trustbridge_certificate_expiry_seconds{certificate=\"broker-ca:cloud\"}"))
        .isGreaterThan(Duration.ofDays(1).toSeconds());
    assertThat(value(scrape, "trustbridge_vault_info{backend=\"software\",hardware=\"false\"}"))
        .isEqualTo(1);
    assertThat(
            value(
                scrape,
                "trustbridge_vault_operation_seconds_count{backend=\"software\",operation=\"sign\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(scrape).contains("camel_exchanges_total{");
  }

  @Test
  void health_ofHealthyGateway_isUp() throws Exception {
    start(pki.caCertificateFile(), "");
    await().atMost(Duration.ofSeconds(30)).until(() -> health("/ready").statusCode() == 200);

    JsonNode ready = JSON.readTree(health("/ready").body());
    assertThat(ready.get("status").asText()).isEqualTo("UP");
    assertThat(health("/live").statusCode()).isEqualTo(200);
  }

  @Test
  void readiness_whenBrokerCaExpiresWithinMinValidity_isDownNamingTheCertificate(
      @TempDir Path caDirectory) throws Exception {
    Instant now = Instant.now();
    IssuedCertificate expiring =
        pki.issueServerCertificate(
            "expiring-ca",
            now.minus(Duration.ofDays(1)),
            now.plus(Duration.ofDays(2)),
            "localhost");
    Path bundle = caDirectory.resolve("ca-bundle.pem");
    Files.writeString(
        bundle,
        Files.readString(pki.caCertificateFile()) + Files.readString(expiring.certificateFile()));
    start(bundle, "");

    HttpResponse<String> ready = health("/ready");

    assertThat(ready.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.get("status").asText()).isEqualTo("DOWN");
    assertThat(ready.body()).contains("trustbridge-certificates").contains("broker-ca:cloud");
    assertThat(health("/live").statusCode()).isEqualTo(200);
  }

  @Test
  void readiness_whenIdentityExpiresWithinMinValidity_isDown() throws Exception {
    start(pki.caCertificateFile(), "  certificateMinValidity: 36500d\n");

    HttpResponse<String> ready = health("/ready");

    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("trustbridge-certificates").contains("identity expires at");
  }

  @Test
  void mbeans_showUplinkAndRotateTheSessionKey() throws Exception {
    start(pki.caCertificateFile(), "");
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName uplink = new ObjectName("dev.trustbridge:type=Uplink,name=\"cloud\"");
    ObjectName trust = new ObjectName("dev.trustbridge:type=Trust");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> (Boolean) server.getAttribute(uplink, "Connected"));
    String before = (String) server.getAttribute(trust, "SessionCertificateSerial");

    String rotated = (String) server.invoke(trust, "rotateSessionKey", null, null);

    assertThat(rotated).isNotEqualTo(before);
    assertThat(server.getAttribute(trust, "SessionCertificateSerial")).isEqualTo(rotated);
    assertThat(value(scrape(), "trustbridge_session_key_rotations_total")).isEqualTo(1);
    assertThat(server.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null))
        .isNotEmpty();
  }

  @Test
  void readiness_whenUplinkIsDownAndOutboxFull_isDownNamingTheUplink() throws Exception {
    start(
        pki.caCertificateFile(),
        unreachableBroker(),
        "",
        """
        outbox:
          maxBytes: 4KiB
        """);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> health("/ready").body().contains("uplink cloud is disconnected"));

    HttpResponse<String> ready = health("/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("uplink cloud is disconnected and its outbox is full");
    String scrape = scrape();
    assertThat(value(scrape, "trustbridge_uplink_connected{uplink=\"cloud\"}")).isZero();
    assertThat(value(scrape, "trustbridge_outbox_bytes{uplink=\"cloud\"}"))
        .isGreaterThanOrEqualTo(4096);
    assertThat(value(scrape, "trustbridge_outbox_oldest_age_seconds{uplink=\"cloud\"}"))
        .isPositive();
  }

  @Test
  void logs_ofGatewayRunsInBothFormats_holdNoSecrets() throws Exception {
    IssuedCertificate identity = pki.gatewayIdentity("obs-gw", "obs-site");
    char[] password = pki.password();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(identity.keyStoreFile())) {
      keyStore.load(in, password);
    }
    ECPrivateKey key = (ECPrivateKey) keyStore.getKey(identity.name(), password);
    byte[] scalar = key.getS().toByteArray();
    List<String> secrets =
        List.of(
            new String(password),
            Files.readString(pki.passwordFile()).strip(),
            Base64.getEncoder().encodeToString(key.getEncoded()),
            Base64.getEncoder().encodeToString(scalar),
            HexFormat.of().formatHex(scalar),
            "PRIVATE KEY");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    OutputStreamAppender<ILoggingEvent> capture = new OutputStreamAppender<>();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(logging);
    encoder.setPattern("%d %-5level [%thread] %logger - %msg%n%ex");
    encoder.start();
    capture.setContext(logging);
    capture.setEncoder(encoder);
    capture.setOutputStream(captured);
    capture.start();
    logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
    logging.getLogger("dev.trustbridge").setLevel(Level.DEBUG);
    try {
      start(pki.caCertificateFile(), "");
      await().atMost(Duration.ofSeconds(30)).until(() -> health("/ready").statusCode() == 200);
      gateway.close();
      int keyValueEnd = captured.size();
      start(pki.caCertificateFile(), "  logFormat: json\n");
      await().atMost(Duration.ofSeconds(30)).until(() -> health("/ready").statusCode() == 200);
      gateway.close();
      gateway = null;

      String log = captured.toString(StandardCharsets.UTF_8);
      assertThat(log).contains("gateway identity backend=software");
      for (String secret : secrets) {
        assertThat(log).as("log output holds a secret").doesNotContain(secret);
      }
      List<String> jsonLines =
          log.substring(keyValueEnd).lines().filter(line -> line.startsWith("{")).toList();
      assertThat(jsonLines).isNotEmpty();
      List<JsonNode> events = new ArrayList<>();
      for (String line : jsonLines) {
        events.add(JSON.readTree(line));
      }
      assertThat(events)
          .allSatisfy(
              event ->
                  assertThat(event.fieldNames())
                      .toIterable()
                      .contains(
                          "timestamp", "level", "threadName", "loggerName", "formattedMessage")
                      .doesNotContain("message", "arguments"))
          .anySatisfy(
              event ->
                  assertThat(event.get("formattedMessage").asText())
                      .startsWith("gateway identity backend=software key="));
    } finally {
      logging.getLogger("dev.trustbridge").setLevel(Level.INFO);
      // back to logback-test.xml: the JSON run switched the console encoder of this JVM
      logging.reset();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(logging);
      configurator.doConfigure(ObservabilityTest.class.getResource("/logback-test.xml"));
    }
  }

  private static String unreachableBroker() throws IOException {
    return "ssl://" + EmbeddedBroker.HOST + ":" + freePort();
  }

  private void start(Path caFile, String observability) throws Exception {
    start(caFile, broker.tlsServerUri(), observability, "");
  }

  /**
   * Starts a gateway whose one device the simulator serves.
   *
   * @param observability lines appended to the {@code observability} section
   * @param sections further top-level sections
   */
  private void start(Path caFile, String brokerUri, String observability, String sections)
      throws Exception {
    port = freePort();
    IssuedCertificate identity = pki.gatewayIdentity("obs-gw", "obs-site");
    Files.writeString(
        configDirectory.resolve(ConfigLoader.MAIN_FILE),
        """
        site: obs-site
        gateway: obs-gw
        security:
          mode: development
        vault:
          type: software
          keyStore: %s
          password: ${file:%s}
          alias: %s
        devices:
          - id: mixer-1
            protocol: modbus
            endpoint: 127.0.0.1:${env:MIXER_PORT}
            pollInterval: 100ms
            tags:
              - {name: batches, table: inputRegister, address: 0, type: uint16}
        uplinks:
          - id: cloud
            server: ${env:BROKER}
            tls:
              caCertificate: ${env:CA}
        observability:
          port: ${env:OBSERVE_PORT}
        """
                .formatted(identity.keyStoreFile(), pki.passwordFile(), identity.name())
            + observability
            + sections);
    Files.createDirectories(configDirectory.resolve(ConfigLoader.ROUTES_DIRECTORY));
    Files.writeString(
        configDirectory.resolve(ConfigLoader.ROUTES_DIRECTORY).resolve("telemetry.camel.yaml"),
        """
        - route:
            id: mixer-1-telemetry
            from:
              uri: modbus:mixer-1
              steps:
                - to:
                    uri: mqtt:cloud
        """);
    Map<String, String> environment = new HashMap<>();
    environment.put("MIXER_PORT", String.valueOf(PLANT.device("mixer-1").port()));
    environment.put("BROKER", brokerUri);
    environment.put("CA", caFile.toString());
    environment.put("OBSERVE_PORT", String.valueOf(port));
    gateway = Gateway.start(new ConfigLoader(environment).load(configDirectory));
  }

  private String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    return response.body();
  }

  private HttpResponse<String> health(String which) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health" + which))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the one sample whose name and labels are exactly {@code series}. */
  private static double value(String scrape, String series) {
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
            .matcher(scrape);
    assertThat(matcher.find()).as("series %s in%n%s", series, scrape).isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  /** What {@code promtool check metrics} says about the scrape: nothing when it passes. */
  private static String promtool(String scrape) throws IOException, InterruptedException {
    Process process;
    try {
      process =
          new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    } catch (IOException e) {
      String message = "promtool is not installed (Debian package 'prometheus'): " + e.getMessage();
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("CI=true but " + message, e);
      }
      Assumptions.abort(message);
      throw e;
    }
    process.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.exitValue() == 0 && output.isBlank() ? "" : output;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
