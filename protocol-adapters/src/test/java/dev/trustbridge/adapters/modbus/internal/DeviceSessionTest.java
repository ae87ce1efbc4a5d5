package dev.trustbridge.adapters.modbus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.adapters.Quality;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.internal.Backoff;
import dev.trustbridge.adapters.modbus.ModbusDataType;
import dev.trustbridge.adapters.modbus.ModbusDevice;
import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.modbus.ModbusTag;
import dev.trustbridge.sim.modbus.ModbusSimulatorExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeviceSessionTest {

  @RegisterExtension
  static final ModbusSimulatorExtension PLANT =
      ModbusSimulatorExtension.fromYaml(
          """
          devices:
            - id: meter
              points:
                - {table: holdingRegister, address: 0, type: uint16, value: {constant: 7}}
          """);

  @Test
  void poll_connectsWithNagleOff_andReadsTheDevice() throws Exception {
    ModbusTag tag = ModbusTag.of("count", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.UINT16);
    ModbusDevice device =
        new ModbusDevice(
            "meter",
            "127.0.0.1",
            PLANT.device("meter").port(),
            1,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            List.of(tag));
    try (DeviceSession session =
        new DeviceSession(
            device,
            new ReadPlanner(125, 2000).plan(device.tags()),
            new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1)),
            Clock.systemUTC())) {

      SampleBatch batch = session.poll();

      assertThat(batch.samples())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.quality()).isEqualTo(Quality.GOOD);
                assertThat(s.value()).isEqualTo(7L);
              });
      assertThat(session.sendsWithoutDelay()).isTrue();
    }
  }
}
