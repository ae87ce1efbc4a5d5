package dev.trustbridge.sim.opcua;

import dev.trustbridge.sim.scenario.ScenarioException;
import dev.trustbridge.sim.scenario.SimulatorExtension;

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
public final class OpcUaSimulatorExtension extends SimulatorExtension<OpcUaSimulator> {

  private OpcUaSimulatorExtension(OpcUaScenario scenario) {
    super(
        OpcUaSimulator.class,
        "the OPC UA simulator of " + scenario.source(),
        () -> OpcUaSimulator.start(scenario));
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

  @Override
  protected void resetAfterTest(OpcUaSimulator simulator) {
    simulator.stallPublishing(false);
    simulator.startServer();
  }
}
