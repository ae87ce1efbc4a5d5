package dev.trustbridge.sim.opcua;

import dev.trustbridge.sim.scenario.ScenarioException;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs an {@link OpcUaSimulator} for the tests of one class, with a PKI in a
 * temporary directory, and resolves {@code OpcUaSimulator} parameters.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final OpcUaSimulatorExtension plant =
 *     OpcUaSimulatorExtension.fromClasspath(OpcUaScenario.SAMPLE_PLANT_RESOURCE);
 *
 * @Test
 * void client_readsFillerSpeed(OpcUaSimulator simulator) { ... }
 * }</pre>
 *
 * <p>Register it on a {@code static} field: the simulator starts before all tests of the class and
 * stops after them. After each test, publishing is resumed and a stopped server started again, so
 * one test's fault does not leak into the next; values, trusted certificates and the application
 * certificate are not reset.
 */
public final class OpcUaSimulatorExtension
    implements BeforeAllCallback, AfterAllCallback, AfterEachCallback, ParameterResolver {

  private final OpcUaScenario scenario;
  private OpcUaSimulator simulator;

  private OpcUaSimulatorExtension(OpcUaScenario scenario) {
    this.scenario = Objects.requireNonNull(scenario, "scenario");
  }

  /** Runs the given scenario. */
  public static OpcUaSimulatorExtension of(OpcUaScenario scenario) {
    return new OpcUaSimulatorExtension(scenario);
  }

  /**
   * Runs the scenario in a classpath resource.
   *
   * @throws ScenarioException listing every problem in it
   */
  public static OpcUaSimulatorExtension fromClasspath(String resource) {
    return of(OpcUaScenario.fromClasspath(resource));
  }

  /**
   * Runs the scenario written in {@code yaml}; problems are reported against {@code "inline"}.
   *
   * @throws ScenarioException listing every problem in it
   */
  public static OpcUaSimulatorExtension fromYaml(String yaml) {
    return of(OpcUaScenario.parse(yaml, "inline"));
  }

  /**
   * The running simulator.
   *
   * @throws IllegalStateException outside the test class's lifetime, or when the extension is not
   *     on a static field
   */
  public OpcUaSimulator simulator() {
    if (simulator == null) {
      throw new IllegalStateException(
          "the OPC UA simulator of "
              + scenario.source()
              + " is not running; register OpcUaSimulatorExtension on a static field");
    }
    return simulator;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    simulator = OpcUaSimulator.start(scenario);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (simulator != null) {
      simulator.stallPublishing(false);
      simulator.startServer();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == OpcUaSimulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (simulator == null) {
      throw new ParameterResolutionException(
          "the OPC UA simulator is not running; register OpcUaSimulatorExtension on a static field");
    }
    return simulator;
  }
}
