package dev.trustbridge.runtime.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.MqttConstants;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.policy.command.CommandFormat;
import dev.trustbridge.trust.attest.AttestationVerifier;
import dev.trustbridge.trust.envelope.EnvelopeContent;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.VerificationResult;
import java.io.PrintStream;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The demo's cloud side: subscribes to all telemetry through its own {@code mqtt:} uplink (with its
 * own client certificate), verifies every envelope against the demo CA as any cloud consumer would,
 * and shows what arrives, rejected envelopes included, and the results of commands. On a terminal
 * it redraws one table per second; otherwise it writes one line per sample or result, so that the
 * output can be read by scripts and tests.
 */
final class LiveView implements AutoCloseable {

  private static final String TELEMETRY_FILTER = "tb/v1/+/+/+/telemetry";
  private static final String RESULT_FILTER = "tb/v1/+/+/+/cmd/result";
  private static final String ATTESTATION_FILTER = "tb/v1/+/+/$attestation";
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final String ROW = "%-10s %-16s %-20s %14s %-5s %-4s %s%n";

  private final PrintStream out;
  private final boolean redraw;
  private final String banner;
  private final Map<String, String> rows = new TreeMap<>();
  private final CamelContext camel = new DefaultCamelContext();
  private final ScheduledExecutorService screen = Executors.newSingleThreadScheduledExecutor();
  private final EnvelopeVerifier verifier;
  private final AttestationVerifier attestation;
  private MqttComponent mqtt;
  private String uplinkId;
  private long samples;
  private long rejected;

  private LiveView(
      PrintStream out,
      boolean redraw,
      String banner,
      EnvelopeVerifier verifier,
      AttestationVerifier attestation) {
    this.out = out;
    this.redraw = redraw;
    this.banner = banner;
    this.verifier = verifier;
    this.attestation = attestation;
  }

  /**
   * Starts the subscription on {@code uplink}.
   *
   * @param trustRoot the CA that gateway identities must chain to
   * @param redraw whether to redraw a table (on a terminal) rather than write lines
   * @param banner what the demo runs, shown above the values
   * @param attestation checks the gateway's attestation evidence against the demo's golden set
   */
  static LiveView start(
      UplinkSettings uplink,
      X509Certificate trustRoot,
      PrintStream out,
      boolean redraw,
      String banner,
      AttestationVerifier attestation)
      throws Exception {
    LiveView view =
        new LiveView(out, redraw, banner, EnvelopeVerifier.create(List.of(trustRoot)), attestation);
    MqttComponent mqtt = new MqttComponent();
    view.mqtt = mqtt;
    view.uplinkId = uplink.id();
    mqtt.setSiteId("cloud");
    mqtt.setGatewayId("demo-viewer");
    mqtt.addUplink(uplink);
    view.camel.addComponent("mqtt", mqtt);
    view.camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("mqtt:" + uplink.id() + "?topic=" + TELEMETRY_FILTER)
                .routeId("demo-live-view")
                .process(
                    exchange ->
                        view.accept(
                            exchange.getMessage().getHeader(MqttConstants.TOPIC, String.class),
                            exchange.getMessage().getBody(byte[].class)));
            from("mqtt:" + uplink.id() + "?topic=RAW(" + ATTESTATION_FILTER + ")")
                .routeId("demo-attestation")
                .process(exchange -> view.attested(exchange.getMessage().getBody(byte[].class)));
            from("mqtt:" + uplink.id() + "?topic=" + RESULT_FILTER)
                .routeId("demo-command-results")
                .process(exchange -> view.result(exchange.getMessage().getBody(byte[].class)));
          }
        });
    view.camel.start();
    if (redraw) {
      view.screen.scheduleAtFixedRate(view::draw, 1, 1, TimeUnit.SECONDS);
    } else {
      out.print(banner);
      out.printf(ROW, "time", "device", "tag", "value", "unit", "qual", "envelope");
    }
    return view;
  }

  private void accept(String topic, byte[] payload) {
    VerificationResult result = verifier.verify(payload);
    if (!(result instanceof VerificationResult.Verified verified)) {
      VerificationResult.Failed failed = (VerificationResult.Failed) result;
      String row =
          String.format(
              Locale.ROOT, "REJECTED %s on %s: %s%n", failed.failure(), topic, failed.detail());
      synchronized (this) {
        rejected++;
        rows.put("~rejected/" + topic, row);
      }
      out.print(row);
      return;
    }
    EnvelopeContent envelope = verified.content();
    String time = LocalTime.ofInstant(envelope.time(), ZoneId.systemDefault()).format(TIME);
    String device = envelope.stream().device();
    for (EnvelopeSample sample : envelope.samples()) {
      String row =
          String.format(
              Locale.ROOT,
              ROW,
              time,
              device,
              sample.tag(),
              value(sample.value()),
              sample.unit(),
              sample.quality(),
              "verified #" + envelope.seq());
      synchronized (this) {
        samples++;
        rows.put(device + '/' + sample.tag(), row);
      }
      if (!redraw) {
        out.print(row);
      }
    }
  }

  /** Whether a verified sample has arrived, so the gateway's uplink is up. */
  synchronized boolean hasSamples() {
    return samples > 0;
  }

  /** Publishes a signed command as an operator's console would. */
  void send(String topic, byte[] command) {
    mqtt.publish(uplinkId, topic, command, false, SEND_TIMEOUT).join();
  }

  private void attested(byte[] evidence) {
    String row = "attestation " + attestation.verify(evidence, Optional.empty()).summary() + "\n";
    synchronized (this) {
      rows.put("~attestation", row);
    }
    if (!redraw) {
      out.print(row);
    }
  }

  private void result(byte[] message) {
    JsonNode result = CommandFormat.readResult(message);
    String row =
        String.format(
            Locale.ROOT,
            "command %s/%s by id %s: %s %s (%s)%n",
            result.path("device").asText(),
            result.path("tag").asText(),
            result.path("id").asText(),
            result.path("status").asText(),
            result.path("reason").asText(),
            result.path("answer").isTextual()
                ? result.path("answer").asText()
                : result.path("detail").asText());
    synchronized (this) {
      rows.put("~command/" + result.path("id").asText(), row);
    }
    if (!redraw) {
      out.print(row);
    }
  }

  private static String value(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Double number) {
      return String.format(Locale.ROOT, "%.3f", number);
    }
    return value.toString();
  }

  private synchronized void draw() {
    StringBuilder screenText = new StringBuilder("\033[H\033[2J");
    screenText
        .append(banner)
        .append("Live telemetry from ")
        .append(TELEMETRY_FILTER)
        .append(", ")
        .append(samples)
        .append(" samples in verified envelopes, ")
        .append(rejected)
        .append(" envelopes rejected:\n\n")
        .append(String.format(ROW, "time", "device", "tag", "value", "unit", "qual", "envelope"));
    rows.values().forEach(screenText::append);
    out.print(screenText);
    out.flush();
  }

  @Override
  public void close() {
    screen.shutdownNow();
    camel.stop();
  }
}
