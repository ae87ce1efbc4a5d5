package dev.trustbridge.sim.opcua.internal;

import dev.trustbridge.sim.scenario.internal.Generator;
import java.time.Duration;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.LongToDoubleFunction;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;

/**
 * Where a variable's value comes from: a function of the tick number {@code n} (elapsed time is
 * {@code n × tick}), so that a scenario replays identically; only {@link Clock} reads the wall
 * clock.
 */
public sealed interface ValueSource {

  /** A signal for one variable: tick number to value in Milo's representation. */
  LongFunction<Object> signal(Duration tick, VariableType type);

  /** Whether the value changes over time; constant variables keep what a client writes. */
  default boolean varies() {
    return true;
  }

  /** A numeric generator shared with the other simulators. */
  record Numeric(Generator generator) implements ValueSource {
    @Override
    public LongFunction<Object> signal(Duration tick, VariableType type) {
      LongToDoubleFunction numbers = generator.signal(tick);
      return n -> type.fromDouble(numbers.applyAsDouble(n));
    }

    @Override
    public boolean varies() {
      return generator.varies();
    }
  }

  /** A fixed value in Milo's representation, e.g. a Boolean, String or DateTime constant. */
  record Fixed(Object value) implements ValueSource {
    @Override
    public LongFunction<Object> signal(Duration tick, VariableType type) {
      return n -> value;
    }

    @Override
    public boolean varies() {
      return false;
    }
  }

  /** A Boolean that starts {@code false} and flips every {@code period}. */
  record Toggle(Duration period) implements ValueSource {
    @Override
    public LongFunction<Object> signal(Duration tick, VariableType type) {
      return n -> periods(n, tick, period) % 2 == 1;
    }
  }

  /** Strings that take turns, each held for one {@code period}, then from the first again. */
  record Cycle(List<String> values, Duration period) implements ValueSource {
    public Cycle {
      values = List.copyOf(values);
    }

    @Override
    public LongFunction<Object> signal(Duration tick, VariableType type) {
      return n -> values.get((int) (periods(n, tick, period) % values.size()));
    }
  }

  /** The wall-clock time at each tick, like a device's clock. */
  record Clock() implements ValueSource {
    @Override
    public LongFunction<Object> signal(Duration tick, VariableType type) {
      return n -> DateTime.now();
    }
  }

  private static long periods(long n, Duration tick, Duration period) {
    return n * tick.toNanos() / period.toNanos();
  }
}
