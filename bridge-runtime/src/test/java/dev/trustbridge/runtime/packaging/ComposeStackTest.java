package dev.trustbridge.runtime.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbridge.runtime.cli.TrustBridgeCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The container image and the compose stack, checked without a Docker engine: every file they
 * mount, build or run exists in the project, the ports agree from end to end, and the image runs
 * the same {@code trustbridge run} that the tests exercise.
 */
class ComposeStackTest {

  private static final Path DOCKER = Path.of("..", "docker").toAbsolutePath().normalize();
  private static final Pattern METRIC = Pattern.compile("\\btrustbridge_[a-z_]+");

  private final Map<String, Object> compose = yaml(DOCKER.resolve("compose.yaml"));
  private final Map<String, Map<String, Object>> services = services();

  @Test
  void everyService_isBuiltOrPulled_andBindMountsExist() {
    assertThat(services)
        .containsKeys(
            "pki",
            "mosquitto",
            "modbus-sim",
            "opcua-sim",
            "gateway",
            "swtpm",
            "gateway-tpm",
            "prometheus",
            "grafana");
    Set<String> volumes = map(compose.get("volumes")).keySet();
    services.forEach(
        (name, service) -> {
          assertThat(service.containsKey("image") || service.containsKey("build"))
              .as(name + " has an image or a build")
              .isTrue();
          if (service.get("build") instanceof Map<?, ?> build) {
            Path context = DOCKER.resolve((String) build.get("context")).normalize();
            assertThat(context).as(name + " build context").isDirectory();
            Object dockerfile = build.get("dockerfile");
            assertThat(context.resolve(dockerfile == null ? "Dockerfile" : (String) dockerfile))
                .as(name + " Dockerfile")
                .isRegularFile();
          }
          for (String[] mount : mounts(service)) {
            if (mount[0].startsWith(".")) {
              assertThat(DOCKER.resolve(mount[0]).normalize()).as(name + " mount").exists();
            } else {
              assertThat(volumes).as(name + " volume").contains(mount[0]);
            }
          }
          for (Object dependency : dependencies(service)) {
            assertThat(services).as(name + " depends on").containsKey((String) dependency);
          }
        });
  }

  @Test
  void filesNamedInCommands_areMountedFromTheProject() {
    List<String> checked = new ArrayList<>();
    services.forEach(
        (name, service) -> {
          List<Object> arguments = new ArrayList<>();
          arguments.addAll(list(service.get("entrypoint")));
          arguments.addAll(list(service.get("command")));
          for (Object argument : arguments) {
            String text = String.valueOf(argument);
            for (String[] mount : mounts(service)) {
              if (!mount[0].startsWith(".")) {
                continue;
              }
              Path source = null;
              if (text.equals(mount[1])) {
                source = DOCKER.resolve(mount[0]);
              } else if (text.startsWith(mount[1] + "/")) {
                source = DOCKER.resolve(mount[0]).resolve(text.substring(mount[1].length() + 1));
              }
              if (source != null) {
                assertThat(source.normalize()).as(name + " argument " + text).exists();
                checked.add(text);
              }
            }
          }
        });
    assertThat(checked)
        .contains(
            "/etc/trustbridge-sim/plant.yaml",
            "/opt/pki/init-pki.sh",
            "/etc/trustbridge/provision.sh");
  }

  @Test
  void image_runsTheTestedCommand_withHealthCheckOnTheObservedPort() throws IOException {
    String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
    assertThat(dockerfile)
        .contains("ENTRYPOINT [\"trustbridge\"]")
        .contains("CMD [\"run\", \"--config\", \"/etc/trustbridge\"]")
        .contains("FROM eclipse-temurin:17-jre")
        .contains("USER trustbridge")
        .contains("VOLUME [\"/etc/trustbridge\", \"/var/lib/trustbridge\"]")
        .contains("http://127.0.0.1:9876/observe/health/ready");
    assertThat(DOCKER.resolve("trustbridge.sh")).isRegularFile().isExecutable();
    assertThat(Files.readString(DOCKER.resolve("trustbridge.sh")))
        .contains("dev.trustbridge.runtime.cli.TrustBridgeCli");
    assertThat(TrustBridgeCli.commandLine().getSubcommands()).containsKeys("run", "sim", "keys");
    assertThat(list(services.get("modbus-sim").get("command"))).startsWith("sim", "modbus");
    assertThat(list(services.get("opcua-sim").get("command"))).startsWith("sim", "opcua");
  }

  @Test
  void ports_agreeBetweenGatewayBrokerSimulatorsAndPrometheus() throws IOException {
    Map<String, Object> gateway = yaml(DOCKER.resolve("gateway/trustbridge.yaml"));
    Map<String, Object> observability = map(gateway.get("observability"));
    assertThat(observability.get("host")).isEqualTo("0.0.0.0");
    int port = ((Number) observability.get("port")).intValue();
    assertThat(list(services.get("gateway").get("ports"))).contains("127.0.0.1:9876:" + port);
    assertThat(Files.readString(DOCKER.resolve("prometheus/prometheus.yml")))
        .contains("gateway:" + port)
        .contains("metrics_path: /observe/metrics");

    Map<String, Object> uplink = map(list(gateway.get("uplinks")).get(0));
    assertThat(uplink.get("server")).isEqualTo("ssl://mosquitto:8883");
    assertThat(Files.readString(DOCKER.resolve("mosquitto/mosquitto.conf")))
        .contains("listener 8883")
        .contains("require_certificate true")
        .doesNotContain("allow_anonymous true");

    Set<Object> simulated = new TreeSet<>();
    for (Object device : list(yaml(DOCKER.resolve("sim/plant.yaml")).get("devices"))) {
      simulated.add(String.valueOf(map(device).get("port")));
    }
    for (Object device : list(gateway.get("devices"))) {
      String endpoint = (String) map(device).get("endpoint");
      assertThat(endpoint).startsWith("modbus-sim:");
      assertThat(simulated).contains(endpoint.substring("modbus-sim:".length()));
      assertThat(list(services.get("modbus-sim").get("expose")))
          .contains(endpoint.substring("modbus-sim:".length()));
    }
  }

  @Test
  void dashboardAndAlerts_useOnlyDocumentedMetrics() throws IOException {
    JsonNode dashboard =
        new ObjectMapper().readTree(DOCKER.resolve("grafana/dashboards/trustbridge.json").toFile());
    assertThat(dashboard.get("uid").asText()).isEqualTo("trustbridge");
    String operations = Files.readString(DOCKER.resolve("../docs/operations.md"));
    Set<String> used = new TreeSet<>();
    collect(dashboard.toString(), used);
    collect(Files.readString(DOCKER.resolve("prometheus/trustbridge-alerts.yml")), used);

    assertThat(used).isNotEmpty();
    for (String metric : used) {
      String family = metric.replaceAll("_(bucket|count|sum)$", "");
      assertThat(operations).as("docs/operations.md documents " + family).contains(family);
    }
  }

  private static void collect(String text, Set<String> into) {
    Matcher matcher = METRIC.matcher(text);
    while (matcher.find()) {
      into.add(matcher.group());
    }
  }

  /** Services with {@code <<: *anchor} merged as Compose does; YAML 1.2 itself has no merge key. */
  private Map<String, Map<String, Object>> services() {
    Map<String, Map<String, Object>> merged = new LinkedHashMap<>();
    map(compose.get("services"))
        .forEach(
            (name, value) -> {
              Map<String, Object> service = new LinkedHashMap<>();
              Map<String, Object> own = map(value);
              if (own.get("<<") != null) {
                service.putAll(map(own.get("<<")));
              }
              own.forEach(
                  (key, entry) -> {
                    if (!key.equals("<<")) {
                      service.put(key, entry);
                    }
                  });
              merged.put(name, service);
            });
    return merged;
  }

  /** Each mount of a service as {source, target}. */
  private static List<String[]> mounts(Map<String, Object> service) {
    List<String[]> mounts = new ArrayList<>();
    for (Object volume : list(service.get("volumes"))) {
      String[] parts = ((String) volume).split(":");
      mounts.add(new String[] {parts[0], parts[1]});
    }
    return mounts;
  }

  private static List<Object> dependencies(Map<String, Object> service) {
    Object dependsOn = service.get("depends_on");
    return dependsOn instanceof Map<?, ?> named ? new ArrayList<>(named.keySet()) : list(dependsOn);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value == null ? List.of() : (List<Object>) value;
  }

  private static Map<String, Object> yaml(Path file) {
    try {
      return map(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file)));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }
}
