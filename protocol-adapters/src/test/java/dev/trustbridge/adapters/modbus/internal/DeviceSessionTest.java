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
import dev.trustbridge.sim.modbus.Table;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
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
            - id: slow
              points:
                - {table: holdingRegister, address: 0, type: uint16, value: {constant: 1}}
                - {table: holdingRegister, address: 1, type: uint16, value: {constant: 2}}
                - {table: holdingRegister, address: 2, type: uint16, value: {constant: 3}}
          """);

  @AfterEach
  void clearFaults() {
    PLANT.device("slow").clearFaults();
  }

  private static ModbusDevice device(String id, List<ModbusTag> tags) {
    return new ModbusDevice(
        id,
        "127.0.0.1",
        PLANT.device(id).port(),
        1,
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        tags);
  }

  private static DeviceSession open(ModbusDevice device, int maxRegistersPerRead) {
    return new DeviceSession(
        device,
        new ReadPlanner(maxRegistersPerRead, 2000).plan(device.tags()),
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1)),
        Clock.systemUTC());
  }

  @Test
  void poll_connectsWithNagleOff_andReadsTheDevice() throws Exception {
    ModbusTag tag = ModbusTag.of("count", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.UINT16);
    try (DeviceSession session = open(device("meter", List.of(tag)), 125)) {

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

  @Test
  void writeDuringAPoll_goesBetweenItsReads_notAfterTheWholePoll() throws Exception {
    List<ModbusTag> tags =
        List.of(
            ModbusTag.of("a", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.UINT16),
            ModbusTag.of("b", ModbusTable.HOLDING_REGISTER, 1, ModbusDataType.UINT16),
            ModbusTag.of("c", ModbusTable.HOLDING_REGISTER, 2, ModbusDataType.UINT16));
    // one register per read: a poll is three reads, each answered after 300 ms
    PLANT.device("slow").delayReplies(Duration.ofMillis(300));
    Queue<String> finished = new ConcurrentLinkedQueue<>();
    ExecutorService poller = Executors.newSingleThreadExecutor();
    try (DeviceSession session = open(device("slow", tags), 1)) {
      assertThat(session.poll().samples()).allMatch(s -> s.quality() == Quality.GOOD);

      Future<SampleBatch> poll =
          poller.submit(
              () -> {
                SampleBatch batch = session.poll();
                finished.add("poll");
                return batch;
              });
      Thread.sleep(100); // the poll's first read is under way
      session.write(tags.get(2), 9);
      finished.add("write");

      assertThat(poll.get(10, TimeUnit.SECONDS).samples())
          .allMatch(s -> s.quality() == Quality.GOOD);
      assertThat(finished).containsExactly("write", "poll");
      assertThat(PLANT.device("slow").value(Table.HOLDING_REGISTER, 2).intValue()).isEqualTo(9);
    } finally {
      poller.shutdownNow();
    }
  }
}
