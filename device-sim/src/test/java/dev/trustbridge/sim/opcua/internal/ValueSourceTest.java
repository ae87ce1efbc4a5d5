package dev.trustbridge.sim.opcua.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import dev.trustbridge.sim.scenario.internal.Generator;
import java.time.Duration;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ValueSourceTest {

  private static final Duration TICK = Duration.ofMillis(100);

  @Test
  void toggle_everyPeriod_flipsStartingFalse() {
    LongFunction<Object> toggle =
        new ValueSource.Toggle(Duration.ofMillis(300)).signal(TICK, VariableType.BOOLEAN);

    assertThat(at(toggle, 0, 2, 3, 5, 6, 9)).containsExactly(false, false, true, true, false, true);
  }

  @Test
  void cycle_eachValueForOnePeriod_thenFromTheFirst() {
    LongFunction<Object> cycle =
        new ValueSource.Cycle(List.of("Idle", "Filling", "Capping"), Duration.ofMillis(200))
            .signal(TICK, VariableType.STRING);

    assertThat(at(cycle, 0, 1, 2, 4, 5, 6))
        .containsExactly("Idle", "Idle", "Filling", "Capping", "Capping", "Idle");
  }

  @Test
  void counter_pastUnsignedMaximum_wrapsLikeDeviceCounter() {
    LongFunction<Object> uint16 =
        new ValueSource.Numeric(new Generator.Counter(65534, 1)).signal(TICK, VariableType.UINT16);
    LongFunction<Object> int16 =
        new ValueSource.Numeric(new Generator.Counter(32766, 1)).signal(TICK, VariableType.INT16);
    LongFunction<Object> uint32 =
        new ValueSource.Numeric(new Generator.Counter(0xFFFF_FFFFL, 1))
            .signal(TICK, VariableType.UINT32);

    assertThat(at(uint16, 1, 2)).containsExactly(ushort(65535), ushort(0));
    assertThat(at(int16, 1, 2)).containsExactly((short) 32767, (short) -32768);
    assertThat(at(uint32, 1)).containsExactly(uint(0));
  }

  @Test
  void numeric_wholeType_roundsGeneratedValues() {
    LongFunction<Object> ramp =
        new ValueSource.Numeric(new Generator.Ramp(0, 10, Duration.ofSeconds(4)))
            .signal(TICK, VariableType.INT32);

    assertThat(at(ramp, 0, 1, 2, 3)).containsExactly(0, 0, 1, 1);
  }

  private static Object[] at(LongFunction<Object> signal, long... ticks) {
    return LongStream.of(ticks).mapToObj(signal).toArray();
  }
}
