package dev.trustbridge.sim.opcua;

import dev.trustbridge.sim.opcua.internal.OpcUaScenarioParser;
import dev.trustbridge.sim.opcua.internal.SimulatorConfig;
import dev.trustbridge.sim.scenario.ScenarioException;
import dev.trustbridge.sim.scenario.internal.ScenarioText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A validated description of one simulated OPC UA server: its name, port, security offer and
 * address space, read from YAML; the format is described in the {@linkplain
 * dev.trustbridge.sim.opcua package documentation}.
 */
public final class OpcUaScenario {

  /**
   * Classpath resource of the sample plant: a packaging line with filler, capper and line state.
   */
  public static final String SAMPLE_PLANT_RESOURCE =
      "dev/trustbridge/sim/scenarios/sample-packaging-line.yaml";

  private final SimulatorConfig config;

  private OpcUaScenario(SimulatorConfig config) {
    this.config = config;
  }

  /**
   * Reads a scenario from YAML text.
   *
   * @param sourceName the name problems are reported against, e.g. a file name
   * @throws ScenarioException listing every problem, each with {@code sourceName:line:column} and
   *     field
   */
  public static OpcUaScenario parse(String yaml, String sourceName) {
    return new OpcUaScenario(OpcUaScenarioParser.parse(yaml, sourceName));
  }

  /**
   * Reads a scenario file (UTF-8).
   *
   * @throws IOException if the file cannot be read
   * @throws ScenarioException listing every problem in it
   */
  public static OpcUaScenario load(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Reads a scenario from a classpath resource, e.g. {@code "scenarios/line-3.yaml"}.
   *
   * @throws IllegalArgumentException if there is no such resource
   * @throws ScenarioException listing every problem in it
   */
  public static OpcUaScenario fromClasspath(String resource) {
    ScenarioText scenario = ScenarioText.fromClasspath(resource);
    return parse(scenario.text(), scenario.source());
  }

  /** The sample plant; its variables are documented in {@value #SAMPLE_PLANT_RESOURCE}. */
  public static OpcUaScenario samplePlant() {
    return fromClasspath(SAMPLE_PLANT_RESOURCE);
  }

  /** Where the scenario came from: a file name, {@code classpath:…} or the given source name. */
  public String source() {
    return config.source();
  }

  /** The server's name from the scenario. */
  public String name() {
    return config.name();
  }

  /** {@code urn:trustbridge:sim:<name>}: the server's ApplicationUri, also in its certificate. */
  public String applicationUri() {
    return config.applicationUri();
  }

  /** {@code urn:trustbridge:sim:<name>:nodes}: the namespace of the simulated nodes. */
  public String namespaceUri() {
    return config.namespaceUri();
  }

  /** The scenario's port; 0 means a free port, chosen at first start. */
  public int port() {
    return config.port();
  }

  /** The interval at which generated values are recomputed. */
  public Duration tick() {
    return config.tick();
  }

  /** The node path of every variable, e.g. {@code Filler/Speed}, depth first in scenario order. */
  public List<String> variablePaths() {
    return config.variables().stream().map(variable -> variable.path()).toList();
  }

  /**
   * The offered security policies and modes, e.g. {@code None}, {@code Basic256Sha256/Sign}, {@code
   * Basic256Sha256/SignAndEncrypt}.
   */
  public List<String> securityPolicies() {
    return config.security().endpointNames();
  }

  /** The offered user tokens: {@code anonymous}, {@code username}, {@code certificate}. */
  public List<String> userTokens() {
    return config.security().userTokenNames();
  }

  SimulatorConfig config() {
    return config;
  }

  @Override
  public String toString() {
    return "OpcUaScenario[" + source() + " name=" + name() + " tick=" + tick() + "]";
  }
}
