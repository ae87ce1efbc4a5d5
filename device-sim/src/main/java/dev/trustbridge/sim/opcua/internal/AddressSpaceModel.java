package dev.trustbridge.sim.opcua.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;

/**
 * The values of every simulated variable, advanced tick by tick, and whether publishing is stalled.
 * It outlives the servers that show it: a restarted server shows the same values.
 */
public final class AddressSpaceModel {

  /** Told about each change, so that subscriptions can report it. */
  public interface Listener {
    void changed(SimulatedVariable variable);

    /** Publishing resumed after a stall: report every current value. */
    void resumed();
  }

  private static final Listener NOBODY =
      new Listener() {
        @Override
        public void changed(SimulatedVariable variable) {}

        @Override
        public void resumed() {}
      };

  private final SimulatorConfig config;
  private final Map<String, SimulatedVariable> variables = new LinkedHashMap<>();
  private volatile Listener listener = NOBODY;
  private volatile boolean stalled;

  public AddressSpaceModel(SimulatorConfig config) {
    this.config = config;
    for (NodeConfig.Variable variable : config.variables()) {
      variables.put(variable.path(), new SimulatedVariable(variable, config.tick()));
    }
  }

  public SimulatorConfig config() {
    return config;
  }

  /**
   * The variable at {@code path}, e.g. {@code Filler/Speed}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public SimulatedVariable variable(String path) {
    SimulatedVariable variable = variables.get(path);
    if (variable == null) {
      throw new IllegalArgumentException(
          "scenario " + config.source() + " has no variable '" + path + "'; it has " + paths());
    }
    return variable;
  }

  public List<String> paths() {
    return new ArrayList<>(variables.keySet());
  }

  /** Advances every varying variable to tick {@code n} and reports the changes. */
  public void tick(long n) {
    for (SimulatedVariable variable : variables.values()) {
      if (variable.tick(n)) {
        listener.changed(variable);
      }
    }
  }

  /**
   * Pins the variable to {@code value} (a Java value, see {@link VariableType#fromJava}).
   *
   * @throws IllegalArgumentException if there is no such variable or its type cannot hold the value
   */
  public void setValue(String path, Object value) {
    SimulatedVariable variable = variable(path);
    Object converted;
    try {
      converted = variable.config().type().fromJava(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("variable " + path + ": " + e.getMessage(), e);
    }
    variable.pin(converted);
    listener.changed(variable);
  }

  /** A client's write to a variable, checked by the server against the data type. */
  public void written(SimulatedVariable variable, DataValue value) {
    variable.write(value);
    listener.changed(variable);
  }

  /** The variable's value as the Java API gives it, see {@link VariableType#toJava}. */
  public Object value(String path) {
    return VariableType.toJava(variable(path).dataValue().value().value());
  }

  public boolean isStalled() {
    return stalled;
  }

  /**
   * Stops or resumes reporting changes to subscriptions; values keep changing meanwhile.
   *
   * @return whether that changed anything
   */
  public synchronized boolean stall(boolean stall) {
    if (stalled == stall) {
      return false;
    }
    stalled = stall;
    if (!stall) {
      listener.resumed();
    }
    return true;
  }

  /** The one listener, the running server's namespace. */
  public void listen(Listener newListener) {
    listener = newListener;
  }

  /** Removes {@code oldListener} if it is still the listener. */
  public void unlisten(Listener oldListener) {
    if (listener == oldListener) {
      listener = NOBODY;
    }
  }
}
