package dev.trustbridge.sim.scenario.internal;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.LongToDoubleFunction;

/**
 * Where a point's value comes from. Every generator is a function of the tick number {@code n}
 * (elapsed time is {@code n × tick}), so a scenario replays identically, random walks included.
 */
public sealed interface Generator {

  /** A signal for one point: tick number to value. Ticks are sampled in increasing order. */
  LongToDoubleFunction signal(Duration tick);

  /** Whether the value changes over time; constant points are written once and then left alone. */
  default boolean varies() {
    return true;
  }

  /** A fixed value; for bool points 1 is {@code true} and 0 is {@code false}. */
  record Constant(double value) implements Generator {
    @Override
    public LongToDoubleFunction signal(Duration tick) {
      return n -> value;
    }

    @Override
    public boolean varies() {
      return false;
    }
  }

  /** A sawtooth: rises linearly from {@code from} to {@code to} over each period, then restarts. */
  record Ramp(double from, double to, Duration period) implements Generator {
    @Override
    public LongToDoubleFunction signal(Duration tick) {
      return n -> from + (to - from) * phase(n, tick, period);
    }
  }

  /** {@code offset + amplitude × sin(2π t / period)}. */
  record Sine(double offset, double amplitude, Duration period) implements Generator {
    @Override
    public LongToDoubleFunction signal(Duration tick) {
      return n -> offset + amplitude * Math.sin(2 * Math.PI * phase(n, tick, period));
    }
  }

  /** Moves by a uniform step in {@code [-step, step]} each tick, held within {@code [min, max]}. */
  record RandomWalk(double start, double step, double min, double max, long seed)
      implements Generator {
    @Override
    public LongToDoubleFunction signal(Duration tick) {
      SplittableRandom random = new SplittableRandom(seed);
      return new LongToDoubleFunction() {
        private long at;
        private double value = start;

        @Override
        public double applyAsDouble(long n) {
          for (; at < n; at++) {
            double next = value + (2 * random.nextDouble() - 1) * step;
            value = Math.max(min, Math.min(max, next));
          }
          return value;
        }
      };
    }
  }

  /** {@code start + increment × n}; whole-number types wrap around like a device's counter. */
  record Counter(double start, double increment) implements Generator {
    @Override
    public LongToDoubleFunction signal(Duration tick) {
      return n -> start + increment * n;
    }
  }

  private static double phase(long n, Duration tick, Duration period) {
    long elapsed = n * tick.toNanos();
    return (double) (elapsed % period.toNanos()) / period.toNanos();
  }
}
