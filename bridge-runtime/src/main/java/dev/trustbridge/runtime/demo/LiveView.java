package dev.trustbridge.runtime.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.MqttConstants;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The demo's cloud side: subscribes to all telemetry through its own {@code mqtt:} uplink (with its
 * own client certificate) and shows what arrives. On a terminal it redraws one table per second;
 * otherwise it writes one line per sample, so that the output can be read by scripts and tests.
 */
final class LiveView implements AutoCloseable {

  private static final String TELEMETRY_FILTER = "tb/v1/+/+/+/telemetry";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final String ROW = "%-10s %-16s %-20s %14s %-5s %-4s%n";

  private final ObjectMapper json = new ObjectMapper();
  private final PrintStream out;
  private final boolean redraw;
  private final String banner;
  private final Map<String, String> rows = new TreeMap<>();
  private final CamelContext camel = new DefaultCamelContext();
  private final ScheduledExecutorService screen = Executors.newSingleThreadScheduledExecutor();
  private long messages;

  private LiveView(PrintStream out, boolean redraw, String banner) {
    this.out = out;
    this.redraw = redraw;
    this.banner = banner;
  }

  /**
   * Starts the subscription on {@code uplink}.
   *
   * @param redraw whether to redraw a table (on a terminal) rather than write lines
   * @param banner what the demo runs, shown above the values
   */
  static LiveView start(UplinkSettings uplink, PrintStream out, boolean redraw, String banner)
      throws Exception {
    LiveView view = new LiveView(out, redraw, banner);
    MqttComponent mqtt = new MqttComponent();
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
          }
        });
    view.camel.start();
    if (redraw) {
      view.screen.scheduleAtFixedRate(view::draw, 1, 1, TimeUnit.SECONDS);
    } else {
      out.print(banner);
      out.printf(ROW, "time", "device", "tag", "value", "unit", "qual");
    }
    return view;
  }

  private void accept(String topic, byte[] payload) throws IOException {
    JsonNode batch = json.readTree(payload);
    String device = batch.path("deviceId").asText();
    for (JsonNode sample : batch.path("samples")) {
      String time =
          LocalTime.ofInstant(
                  Instant.parse(sample.path("gatewayTime").asText()), ZoneId.systemDefault())
              .format(TIME);
      String row =
          String.format(
              Locale.ROOT,
              ROW,
              time,
              device,
              sample.path("tag").asText(),
              value(sample.path("value")),
              sample.path("unit").asText(),
              sample.path("quality").asText());
      synchronized (this) {
        messages++;
        rows.put(device + '/' + sample.path("tag").asText(), row);
      }
      if (!redraw) {
        out.print(row);
      }
    }
  }

  private static String value(JsonNode value) {
    if (value.isNull() || value.isMissingNode()) {
      return "-";
    }
    if (value.isFloatingPointNumber()) {
      return String.format(Locale.ROOT, "%.3f", value.doubleValue());
    }
    return value.asText();
  }

  private synchronized void draw() {
    StringBuilder screenText = new StringBuilder("\033[H\033[2J");
    screenText
        .append(banner)
        .append("Live telemetry from ")
        .append(TELEMETRY_FILTER)
        .append(", ")
        .append(messages)
        .append(" samples so far:\n\n")
        .append(String.format(ROW, "time", "device", "tag", "value", "unit", "qual"));
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
