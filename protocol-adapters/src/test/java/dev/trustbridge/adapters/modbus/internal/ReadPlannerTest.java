package dev.trustbridge.adapters.modbus.internal;

import static dev.trustbridge.adapters.modbus.ModbusDataType.BOOL;
import static dev.trustbridge.adapters.modbus.ModbusDataType.FLOAT32;
import static dev.trustbridge.adapters.modbus.ModbusDataType.INT16;
import static dev.trustbridge.adapters.modbus.ModbusTable.COIL;
import static dev.trustbridge.adapters.modbus.ModbusTable.HOLDING_REGISTER;
import static dev.trustbridge.adapters.modbus.ModbusTable.INPUT_REGISTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbridge.adapters.modbus.ModbusTag;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadPlannerTest {

  private static List<ModbusTag> int16Run(int count) {
    List<ModbusTag> tags = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tags.add(ModbusTag.of("r" + i, HOLDING_REGISTER, i, INT16));
    }
    return tags;
  }

  private static List<String> ranges(List<ReadRequest> plan) {
    return plan.stream()
        .map(r -> r.table().configName() + "@" + r.start() + "+" + r.count())
        .toList();
  }

  @Test
  void contiguousRegisters_over125_splitIntoProtocolSizedReads() {
    List<ReadRequest> plan = new ReadPlanner(125, 2000).plan(int16Run(300));

    assertThat(ranges(plan))
        .containsExactly(
            "holdingRegister@0+125", "holdingRegister@125+125", "holdingRegister@250+50");
    assertThat(plan.stream().mapToInt(r -> r.tags().size()).sum()).isEqualTo(300);
  }

  @Test
  void coils_over2000_splitAt2000() {
    List<ModbusTag> coils = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      coils.add(ModbusTag.of("c" + i, COIL, i, BOOL));
    }

    assertThat(ranges(new ReadPlanner(125, 2000).plan(coils)))
        .containsExactly("coil@0+2000", "coil@2000+500");
  }

  @Test
  void float32AtLimitBoundary_isNeverSplitAcrossReads() {
    List<ModbusTag> tags = new ArrayList<>(int16Run(124));
    tags.add(ModbusTag.of("f", HOLDING_REGISTER, 124, FLOAT32));

    List<ReadRequest> plan = new ReadPlanner(125, 2000).plan(tags);

    assertThat(ranges(plan)).containsExactly("holdingRegister@0+124", "holdingRegister@124+2");
  }

  @Test
  void gapOrOtherTable_startsNewRead() {
    List<ModbusTag> tags =
        List.of(
            ModbusTag.of("a", HOLDING_REGISTER, 0, INT16),
            ModbusTag.of("b", HOLDING_REGISTER, 1, FLOAT32),
            ModbusTag.of("c", HOLDING_REGISTER, 5, INT16),
            ModbusTag.of("d", INPUT_REGISTER, 3, INT16));

    assertThat(ranges(new ReadPlanner(125, 2000).plan(tags)))
        .containsExactly("inputRegister@3+1", "holdingRegister@0+3", "holdingRegister@5+1");
  }

  @Test
  void overlappingTags_shareOneRead() {
    List<ModbusTag> tags =
        List.of(
            ModbusTag.of("whole", HOLDING_REGISTER, 10, FLOAT32),
            ModbusTag.of("highWord", HOLDING_REGISTER, 10, INT16));

    assertThat(ranges(new ReadPlanner(125, 2000).plan(tags)))
        .containsExactly("holdingRegister@10+2");
  }

  @Test
  void smallerConfiguredLimit_isHonoured() {
    assertThat(ranges(new ReadPlanner(10, 2000).plan(int16Run(25))))
        .containsExactly("holdingRegister@0+10", "holdingRegister@10+10", "holdingRegister@20+5");
  }

  @Test
  void limitAboveProtocolMaximum_isRefused() {
    assertThatThrownBy(() -> new ReadPlanner(126, 2000))
        .hasMessage("maxRegistersPerRead must be within 1..125, was 126");
    assertThatThrownBy(() -> new ReadPlanner(125, 2001))
        .hasMessage("maxBitsPerRead must be within 1..2000, was 2001");
  }

  @Test
  void tagWiderThanLimit_isRefused() {
    List<ModbusTag> tags = List.of(ModbusTag.of("f", HOLDING_REGISTER, 0, FLOAT32));

    assertThatThrownBy(() -> new ReadPlanner(1, 2000).plan(tags))
        .hasMessageContaining("tag f spans 2 addresses, more than the per-read limit of 1");
  }
}
