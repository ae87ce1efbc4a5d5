package dev.trustbridge.sim.modbus;

import dev.trustbridge.sim.scenario.ScenarioException;
import dev.trustbridge.sim.scenario.SimulatorExtension;

/**
 * JUnit 5 extension that runs a {@link ModbusSimulator} for the tests of one class and resolves
 * {@code ModbusSimulator} parameters.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ModbusSimulatorExtension plant =
 *     ModbusSimulatorExtension.fromClasspath(Scenario.SAMPLE_PLANT_RESOURCE);
 *
 * @Test
 * void poller_readsBoilerTemperature(ModbusSimulator simulator) { ... }
 * }</pre>
 *
 * <p>Register it on a {@code static} field: the simulator starts before all tests of the class and
 * stops after them. After each test, faults are cleared and stopped devices started again, so one
 * test's fault does not leak into the next; point values are not reset.
 */
public final class ModbusSimulatorExtension extends SimulatorExtension<ModbusSimulator> {

  private ModbusSimulatorExtension(Scenario scenario) {
    super(
        ModbusSimulator.class,
        "the Modbus simulator of " + scenario.source(),
        () -> ModbusSimulator.start(scenario));
  }

  /** Runs the given scenario. */
  public static ModbusSimulatorExtension of(Scenario scenario) {
    return new ModbusSimulatorExtension(scenario);
  }

  /**
   * Runs the scenario in a classpath resource.
   *
   * @throws ScenarioException listing every problem in it
   */
  public static ModbusSimulatorExtension fromClasspath(String resource) {
    return of(Scenario.fromClasspath(resource));
  }

  /**
   * Runs the scenario written in {@code yaml}; problems are reported against {@code "inline"}.
   *
   * @throws ScenarioException listing every problem in it
   */
  public static ModbusSimulatorExtension fromYaml(String yaml) {
    return of(Scenario.parse(yaml, "inline"));
  }

  /** Shorthand for {@code simulator().device(id)}. */
  public SimulatedDevice device(String id) {
    return simulator().device(id);
  }

  @Override
  protected void resetAfterTest(ModbusSimulator simulator) {
    for (SimulatedDevice device : simulator.devices()) {
      device.clearFaults();
      device.start();
    }
  }
}
