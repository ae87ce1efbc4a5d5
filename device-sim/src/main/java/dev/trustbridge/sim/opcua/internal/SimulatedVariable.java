package dev.trustbridge.sim.opcua.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongFunction;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * One variable's current value and what drives it. The value survives server restarts: the server's
 * nodes read and write it here.
 */
public final class SimulatedVariable {

  private final NodeConfig.Variable config;
  private final Duration tick;
  private LongFunction<Object> signal;
  private boolean varies;
  private DataValue current;

  SimulatedVariable(NodeConfig.Variable config, Duration tick) {
    this.config = config;
    this.tick = tick;
    drive(config.value());
    this.current = sample(signal.apply(0));
  }

  public NodeConfig.Variable config() {
    return config;
  }

  /** The value with its status and source time, as the server reports it. */
  public synchronized DataValue dataValue() {
    return current;
  }

  /**
   * Computes the value for tick {@code n}; constant variables are left alone, so what a client
   * wrote stays.
   *
   * @return whether the value changed
   */
  synchronized boolean tick(long n) {
    if (!varies) {
      return false;
    }
    Object next = signal.apply(n);
    if (Objects.equals(next, current.value().value()) && current.statusCode().isGood()) {
      return false;
    }
    current = sample(next);
    return true;
  }

  /**
   * Takes a value a client wrote, already checked against the data type: a constant variable keeps
   * it, a varying one until the next tick.
   */
  synchronized void write(DataValue written) {
    current = written;
  }

  /** Pins the variable to a value in Milo's representation: its source stops, the value is now. */
  synchronized void pin(Object value) {
    drive(new ValueSource.Fixed(value));
    current = sample(value);
  }

  private void drive(ValueSource source) {
    signal = source.signal(tick, config.type());
    varies = source.varies();
  }

  private static DataValue sample(Object value) {
    return new DataValue(new Variant(value), StatusCode.GOOD, DateTime.now());
  }
}
