package dev.trustbridge.sim.modbus;

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
public final class ModbusSimulatorExtension
    implements BeforeAllCallback, AfterAllCallback, AfterEachCallback, ParameterResolver {

  private final Scenario scenario;
  private ModbusSimulator simulator;

  private ModbusSimulatorExtension(Scenario scenario) {
    this.scenario = Objects.requireNonNull(scenario, "scenario");
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

  /**
   * The running simulator.
   *
   * @throws IllegalStateException outside the test class's lifetime, or when the extension is not
   *     on a static field
   */
  public ModbusSimulator simulator() {
    if (simulator == null) {
      throw new IllegalStateException(
          "the Modbus simulator of "
              + scenario.source()
              + " is not running; register ModbusSimulatorExtension on a static field");
    }
    return simulator;
  }

  /** Shorthand for {@code simulator().device(id)}. */
  public SimulatedDevice device(String id) {
    return simulator().device(id);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    simulator = ModbusSimulator.start(scenario);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (simulator != null) {
      for (SimulatedDevice device : simulator.devices()) {
        device.clearFaults();
        device.start();
      }
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
    return parameter.getParameter().getType() == ModbusSimulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (simulator == null) {
      throw new ParameterResolutionException(
          "the Modbus simulator is not running; register ModbusSimulatorExtension on a static field");
    }
    return simulator;
  }
}
