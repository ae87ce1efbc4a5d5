package dev.trustbridge.sim.modbus;

import dev.trustbridge.sim.modbus.internal.DeviceConfig;
import dev.trustbridge.sim.modbus.internal.ScenarioConfig;
import dev.trustbridge.sim.modbus.internal.ScenarioParser;
import dev.trustbridge.sim.scenario.ScenarioException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    try (InputStream in = open(name)) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario resource " + name, e);
    }
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

  private static InputStream open(String name) {
    return Optional.ofNullable(Thread.currentThread().getContextClassLoader())
        .map(loader -> loader.getResourceAsStream(name))
        .or(() -> Optional.ofNullable(Scenario.class.getClassLoader().getResourceAsStream(name)))
        .orElseThrow(
            () -> new IllegalArgumentException("no scenario resource on the classpath: " + name));
  }
}
