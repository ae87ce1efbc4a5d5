package dev.trustbridge.sim.scenario;

import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The lifecycle every simulator's JUnit 5 extension shares: start before all tests of a class, undo
 * one test's faults after it, stop after all tests, resolve the simulator as a parameter.
 *
 * @param <S> the simulator type
 */
public abstract class SimulatorExtension<S extends AutoCloseable>
    implements BeforeAllCallback, AfterAllCallback, AfterEachCallback, ParameterResolver {

  private final Class<S> type;
  private final String description;
  private final Supplier<S> starter;
  private S simulator;

  /**
   * @param description what runs, for messages, e.g. {@code the Modbus simulator of sample-plant}
   * @param starter starts the simulator
   */
  protected SimulatorExtension(Class<S> type, String description, Supplier<S> starter) {
    this.type = Objects.requireNonNull(type, "type");
    this.description = Objects.requireNonNull(description, "description");
    this.starter = Objects.requireNonNull(starter, "starter");
  }

  /** Undoes what a test may have switched on: faults, stopped servers. */
  protected abstract void resetAfterTest(S simulator);

  /**
   * The running simulator.
   *
   * @throws IllegalStateException outside the test class's lifetime, or when the extension is not
   *     on a static field
   */
  public S simulator() {
    if (simulator == null) {
      throw new IllegalStateException(
          description
              + " is not running; register "
              + getClass().getSimpleName()
              + " on a static field");
    }
    return simulator;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    simulator = starter.get();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (simulator != null) {
      resetAfterTest(simulator);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == type;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (simulator == null) {
      throw new ParameterResolutionException(
          description
              + " is not running; register "
              + getClass().getSimpleName()
              + " on a static field");
    }
    return simulator;
  }
}
