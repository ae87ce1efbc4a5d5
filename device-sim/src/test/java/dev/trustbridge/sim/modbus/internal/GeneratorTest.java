package dev.trustbridge.sim.modbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trustbridge.sim.scenario.internal.Generator;
import java.time.Duration;
import java.util.function.LongToDoubleFunction;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class GeneratorTest {

  private static final Duration TICK = Duration.ofMillis(100);

  @Test
  void counter_nthTick_isStartPlusNIncrements() {
    LongToDoubleFunction counter = new Generator.Counter(10, 3).signal(TICK);

    assertThat(at(counter, 0, 1, 2, 50)).containsExactly(10, 13, 16, 160);
  }

  @Test
  void counter_pastTypeMaximum_wrapsLikeDeviceCounter() {
    LongToDoubleFunction counter = new Generator.Counter(65534, 1).signal(TICK);

    assertThat(PointType.UINT16.number(PointType.UINT16.bits(counter.applyAsDouble(2))))
        .isEqualTo(0);
    assertThat(PointType.INT16.number(PointType.INT16.bits(32768))).isEqualTo(-32768);
  }

  @Test
  void ramp_withinPeriod_risesLinearlyThenRestarts() {
    LongToDoubleFunction ramp = new Generator.Ramp(140, 180, Duration.ofSeconds(1)).signal(TICK);

    assertThat(at(ramp, 0, 5, 9, 10, 15))
        .containsExactly(new double[] {140, 160, 176, 140, 160}, within(1e-9));
  }

  @Test
  void sine_quarterPeriods_hitOffsetPeakAndTrough() {
    LongToDoubleFunction sine = new Generator.Sine(200, 50, Duration.ofSeconds(4)).signal(TICK);

    assertThat(at(sine, 0, 10, 20, 30))
        .containsExactly(new double[] {200, 250, 200, 150}, within(1e-9));
  }

  @Test
  void randomWalk_sameSeed_replaysSameValuesWithinBounds() {
    Generator walk = new Generator.RandomWalk(125, 2, 100, 150, 42);
    LongToDoubleFunction first = walk.signal(TICK);
    LongToDoubleFunction second = walk.signal(TICK);

    double[] a = LongStream.rangeClosed(0, 500).mapToDouble(first).toArray();
    double[] b = LongStream.rangeClosed(0, 500).mapToDouble(second).toArray();

    assertThat(a).containsExactly(b);
    assertThat(a[0]).isEqualTo(125);
    assertThat(DoubleStream.of(a).min().orElseThrow()).isGreaterThanOrEqualTo(100);
    assertThat(DoubleStream.of(a).max().orElseThrow()).isLessThanOrEqualTo(150);
    assertThat(DoubleStream.of(a).distinct().count()).isGreaterThan(100);
  }

  @Test
  void randomWalk_skippedTicks_landWhereSteppedTicksDo() {
    Generator walk = new Generator.RandomWalk(0, 1, -10, 10, 7);
    LongToDoubleFunction stepped = walk.signal(TICK);
    LongStream.range(0, 20).forEach(stepped::applyAsDouble);

    assertThat(walk.signal(TICK).applyAsDouble(20)).isEqualTo(stepped.applyAsDouble(20));
  }

  private static double[] at(LongToDoubleFunction signal, long... ticks) {
    return LongStream.of(ticks).mapToDouble(signal).toArray();
  }
}
