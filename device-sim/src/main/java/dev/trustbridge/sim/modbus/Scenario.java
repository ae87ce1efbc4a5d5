package dev.trustbridge.sim.modbus;

import dev.trustbridge.sim.modbus.internal.DeviceConfig;
import dev.trustbridge.sim.modbus.internal.ScenarioConfig;
import dev.trustbridge.sim.modbus.internal.ScenarioParser;
import dev.trustbridge.sim.scenario.ScenarioException;
import dev.trustbridge.sim.scenario.internal.ScenarioText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A validated description of simulated Modbus devices and their points, read from YAML; the format
 * is described in the {@linkplain dev.trustbridge.sim.modbus package documentation}.
 */
public final class Scenario {

  /** Classpath resource of the sample plant: a boiler, a pump and an energy meter. */
  public static final String SAMPLE_PLANT_RESOURCE =
      "dev/trustbridge/sim/scenarios/sample-plant.yaml";

  private final ScenarioConfig config;

  private Scenario(ScenarioConfig config) {
    this.config = config;
  }

  /**
   * Reads a scenario from YAML text.
   *
   * @param sourceName the name problems are reported against, e.g. a file name
   * @throws ScenarioException listing every problem, each with {@code sourceName:line:column} and
   *     field
   */
  public static Scenario parse(String yaml, String sourceName) {
    return new Scenario(ScenarioParser.parse(yaml, sourceName));
  }

  /**
   * Reads a scenario file (UTF-8).
   *
   * @throws IOException if the file cannot be read
   * @throws ScenarioException listing every problem in it
   */
  public static Scenario load(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Reads a scenario from a classpath resource, e.g. {@code "scenarios/line-3.yaml"}.
   *
   * @throws IllegalArgumentException if there is no such resource
   * @throws ScenarioException listing every problem in it
   */
  public static Scenario fromClasspath(String resource) {
    ScenarioText scenario = ScenarioText.fromClasspath(resource);
    return parse(scenario.text(), scenario.source());
  }

  /** The sample plant; its points are documented in {@value #SAMPLE_PLANT_RESOURCE}. */
  public static Scenario samplePlant() {
    return fromClasspath(SAMPLE_PLANT_RESOURCE);
  }

  /** Where the scenario came from: a file name, {@code classpath:…} or the given source name. */
  public String source() {
    return config.source();
  }

  /** The interval at which generated values are recomputed. */
  public Duration tick() {
    return config.tick();
  }

  /** The device ids, in scenario order. */
  public List<String> deviceIds() {
    return config.devices().stream().map(DeviceConfig::id).toList();
  }

  ScenarioConfig config() {
    return config;
  }

  @Override
  public String toString() {
    return "Scenario[" + source() + " devices=" + deviceIds() + " tick=" + tick() + "]";
  }
}
