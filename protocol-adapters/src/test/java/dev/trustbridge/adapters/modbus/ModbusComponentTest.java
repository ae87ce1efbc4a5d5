package dev.trustbridge.adapters.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.trustbridge.adapters.DeviceWriteException;
import dev.trustbridge.adapters.DeviceWriter.TagAccess;
import dev.trustbridge.adapters.LogCapture;
import dev.trustbridge.adapters.Quality;
import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.TrustBridgeHeaders;
import dev.trustbridge.sim.modbus.ModbusSimulatorExtension;
import dev.trustbridge.sim.modbus.SimulatedDevice;
import dev.trustbridge.sim.modbus.Table;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code modbus:} component against the Modbus simulator over loopback sockets. */
class ModbusComponentTest {

  private static final int RUN_LENGTH = 260;

  @RegisterExtension
  static final ModbusSimulatorExtension PLANT = ModbusSimulatorExtension.fromYaml(scenario());

  private final Map<String, BlockingQueue<SampleBatch>> received = new ConcurrentHashMap<>();
  private final Map<String, Boolean> connected = new ConcurrentHashMap<>();
  private CamelContext camel;

  /** Exact constants in every encoding, a long run of registers, and a second device. */
  private static String scenario() {
    StringBuilder yaml =
        new StringBuilder(
            """
            tick: 50ms
            devices:
              - id: boiler
                unitId: 4
                points:
                  - {table: holdingRegister, address: 0, type: float32, wordOrder: littleEndian, value: {constant: 21.5}}
                  - {table: inputRegister, address: 10, type: int16, value: {constant: 215}}
                  - {table: inputRegister, address: 11, type: int16, value: {constant: -40}}
                  - {table: inputRegister, address: 12, type: uint32, value: {constant: 4000000000}}
                  - {table: coil, address: 3, type: bool, value: {constant: true}}
                  - {table: discreteInput, address: 0, type: bool, value: {constant: false}}
              - id: long-run
                points:
            """);
    for (int address = 0; address < RUN_LENGTH; address++) {
      yaml.append("      - {table: holdingRegister, address: ")
          .append(address)
          .append(", type: uint16, value: {constant: ")
          .append(address * 3)
          .append("}}\n");
    }
    return yaml.toString();
  }

  private static ModbusDevice boiler(int port) {
    return new ModbusDevice(
        "boiler",
        "127.0.0.1",
        port,
        4,
        Duration.ofMillis(100),
        Duration.ofMillis(500),
        List.of(
            new ModbusTag(
                "temperature",
                ModbusTable.HOLDING_REGISTER,
                0,
                ModbusDataType.FLOAT32,
                ByteOrder.BIG_ENDIAN,
                WordOrder.LOW_FIRST,
                1,
                0,
                "degC"),
            new ModbusTag(
                "pressure",
                ModbusTable.INPUT_REGISTER,
                10,
                ModbusDataType.INT16,
                ByteOrder.BIG_ENDIAN,
                WordOrder.HIGH_FIRST,
                0.1,
                0,
                "bar"),
            ModbusTag.of("ambient", ModbusTable.INPUT_REGISTER, 11, ModbusDataType.INT16),
            ModbusTag.of("energy", ModbusTable.INPUT_REGISTER, 12, ModbusDataType.UINT32),
            ModbusTag.of("burner", ModbusTable.COIL, 3, ModbusDataType.BOOL),
            ModbusTag.of("alarm", ModbusTable.DISCRETE_INPUT, 0, ModbusDataType.BOOL)));
  }

  private static ModbusDevice longRun(int port) {
    List<ModbusTag> tags = new ArrayList<>();
    for (int address = 0; address < RUN_LENGTH; address++) {
      tags.add(
          ModbusTag.of(
              "r" + address, ModbusTable.HOLDING_REGISTER, address, ModbusDataType.UINT16));
    }
    return new ModbusDevice(
        "long-run", "127.0.0.1", port, 1, Duration.ofMillis(100), Duration.ofMillis(500), tags);
  }

  private ModbusComponent modbus;

  private void start(String... uris) throws Exception {
    start(Optional.empty(), uris);
  }

  private void start(Optional<ModbusFingerprint> boilerFingerprint, String... uris)
      throws Exception {
    modbus = new ModbusComponent();
    modbus.setPollListener((device, up, duration) -> connected.put(device, up));
    ModbusDevice boiler = boiler(PLANT.device("boiler").port());
    modbus.addDevice(
        new ModbusDevice(
            boiler.id(),
            boiler.host(),
            boiler.port(),
            boiler.unitId(),
            boiler.pollInterval(),
            boiler.timeout(),
            boiler.tags(),
            boilerFingerprint));
    modbus.addDevice(longRun(PLANT.device("long-run").port()));
    camel = new DefaultCamelContext();
    camel.addComponent("modbus", modbus);
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            for (String uri : uris) {
              from(uri)
                  .process(
                      exchange -> {
                        SampleBatch batch = exchange.getIn().getBody(SampleBatch.class);
                        assertThat(exchange.getIn().getHeader(TrustBridgeHeaders.DEVICE_ID))
                            .isEqualTo(batch.deviceId());
                        queue(batch.deviceId()).add(batch);
                      });
            }
          }
        });
    camel.start();
  }

  private BlockingQueue<SampleBatch> queue(String device) {
    return received.computeIfAbsent(device, d -> new LinkedBlockingQueue<>());
  }

  private SampleBatch next(String device) throws InterruptedException {
    SampleBatch batch = queue(device).poll(5, TimeUnit.SECONDS);
    assertThat(batch).as("a batch from " + device + " within 5 s").isNotNull();
    return batch;
  }

  private static Map<String, Sample> byTag(SampleBatch batch) {
    return batch.samples().stream().collect(Collectors.toMap(Sample::tag, Function.identity()));
  }

  private void awaitQuality(String device, Quality quality) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              SampleBatch batch = queue(device).poll(1, TimeUnit.SECONDS);
              return batch != null
                  && batch.samples().stream().allMatch(s -> s.quality() == quality);
            });
  }

  @AfterEach
  void stopCamel() {
    if (camel != null) {
      camel.stop();
    }
  }

  @Test
  void writer_onPolledDevice_writesRegisterThatTheNextPollReads() throws Exception {
    start("modbus:long-run");
    next("long-run");
    try {
      String answer = modbus.writer().write("long-run", "r100", 4242L);

      assertThat(answer).isEqualTo("function 6 wrote 1 register at 100");
      assertThat(PLANT.device("long-run").value(Table.HOLDING_REGISTER, 100)).isEqualTo(4242);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> byTag(next("long-run")).get("r100").value().equals(4242L));
    } finally {
      PLANT.device("long-run").setValue(Table.HOLDING_REGISTER, 100, 300);
    }
  }

  @Test
  void writer_onUnpolledDevice_opensItsOwnConnectionAndReportsDeviceErrors() throws Exception {
    start();
    SimulatedDevice boiler = PLANT.device("boiler");
    boiler.answerWithException(4);
    try {
      DeviceWriteException refused =
          catchThrowableOfType(
              DeviceWriteException.class, () -> modbus.writer().write("boiler", "burner", false));

      assertThat(refused.reason()).isEqualTo(DeviceWriteException.Reason.DEVICE_ERROR);
      assertThat(refused.getMessage()).isEqualTo("device boiler answered with Modbus exception 4");
      assertThat(boiler.bit(Table.COIL, 3)).isTrue();
    } finally {
      boiler.clearFaults();
    }
    assertThat(modbus.writer().access("boiler", "pressure")).isEqualTo(TagAccess.READ_ONLY);
    assertThat(modbus.writer().access("boiler", "nope")).isEqualTo(TagAccess.UNKNOWN_TAG);
    assertThat(modbus.writer().access("pump", "speed")).isEqualTo(TagAccess.UNKNOWN_DEVICE);
  }

  @Test
  void poll_decodesEveryTypeOrderAndScale_exactly() throws Exception {
    start("modbus:boiler");

    Map<String, Sample> samples = byTag(next("boiler"));

    assertThat(samples.values()).allMatch(s -> s.quality() == Quality.GOOD);
    assertThat(samples.get("temperature").value()).isEqualTo(21.5);
    assertThat(samples.get("temperature").unit()).isEqualTo("degC");
    assertThat(samples.get("pressure").value()).isEqualTo(21.5);
    assertThat(samples.get("ambient").value()).isEqualTo(-40L);
    assertThat(samples.get("energy").value()).isEqualTo(4_000_000_000L);
    assertThat(samples.get("burner").value()).isEqualTo(true);
    assertThat(samples.get("alarm").value()).isEqualTo(false);
  }

  @Test
  void longRun_splitIntoLimitedReads_returnsEveryRegister() throws Exception {
    start("modbus:long-run", "modbus:boiler?maxRegistersPerRead=2");

    SampleBatch batch = next("long-run");

    assertThat(batch.samples()).hasSize(RUN_LENGTH);
    for (int address = 0; address < RUN_LENGTH; address++) {
      Sample sample = batch.samples().get(address);
      assertThat(sample.tag()).isEqualTo("r" + address);
      assertThat(sample.value()).isEqualTo((long) address * 3);
    }
    assertThat(byTag(next("boiler")).get("temperature").value()).isEqualTo(21.5);
  }

  @Test
  void deviceWithMoreTagsThanMaxSamples_emitsSeveralOrderedBatchesPerPoll() throws Exception {
    start("modbus:long-run?maxSamplesPerBatch=100");

    List<SampleBatch> poll = List.of(next("long-run"), next("long-run"), next("long-run"));

    assertThat(poll).extracting(batch -> batch.samples().size()).containsExactly(100, 100, 60);
    assertThat(poll.get(0).samples().get(0).tag()).isEqualTo("r0");
    assertThat(poll.get(2).samples().get(59).tag()).isEqualTo("r259");
    assertThat(poll.get(2).samples().get(59).value()).isEqualTo(259L * 3);
  }

  @Test
  void deviceStoppedThenStarted_yieldsBadSamplesThenRecovers() throws Exception {
    SimulatedDevice device = PLANT.device("boiler");
    start("modbus:boiler?reconnectDelay=100&maxReconnectDelay=300");
    assertThat(next("boiler").samples()).allMatch(s -> s.quality() == Quality.GOOD);

    assertThat(connected).containsEntry("boiler", true);

    device.stop();
    awaitQuality("boiler", Quality.BAD);
    assertThat(connected).containsEntry("boiler", false);
    SampleBatch down = next("boiler");
    assertThat(down.samples()).allMatch(s -> s.value() == null && s.quality() == Quality.BAD);
    assertThat(down.samples()).extracting(Sample::tag).contains("temperature", "burner");

    device.start();
    awaitQuality("boiler", Quality.GOOD);
    assertThat(byTag(next("boiler")).get("temperature").value()).isEqualTo(21.5);
    assertThat(connected).containsEntry("boiler", true);
  }

  @Test
  void droppedConnection_isReconnected() throws Exception {
    SimulatedDevice device = PLANT.device("boiler");
    start("modbus:boiler?reconnectDelay=100&maxReconnectDelay=300");
    next("boiler");

    device.dropConnections();
    awaitQuality("boiler", Quality.BAD);
    device.clearFaults();

    awaitQuality("boiler", Quality.GOOD);
  }

  @Test
  void exceptionReply_makesSamplesBadWhileConnectionStays() throws Exception {
    SimulatedDevice device = PLANT.device("boiler");
    start("modbus:boiler");
    next("boiler");

    device.answerWithException(4);
    awaitQuality("boiler", Quality.BAD);
    device.clearFaults();

    awaitQuality("boiler", Quality.GOOD);
  }

  @Test
  void slowDevice_doesNotDelayAnotherDevice() throws Exception {
    PLANT.device("boiler").delayReplies(Duration.ofSeconds(3));
    start("modbus:boiler", "modbus:long-run");

    // the boiler's first poll hangs until its 500 ms timeout; meanwhile long-run keeps its 100 ms
    // pace
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
    int longRunBatches = 0;
    while (System.nanoTime() < deadline) {
      if (queue("long-run").poll(50, TimeUnit.MILLISECONDS) != null) {
        longRunBatches++;
      }
    }

    assertThat(longRunBatches).isGreaterThanOrEqualTo(4);
    assertThat(next("boiler").samples()).allMatch(s -> s.quality() == Quality.BAD);
  }

  @Test
  void devicesOfOneInterval_takeTurnsOverIt_unlessTheRouteSetsItsInitialDelay() throws Exception {
    ModbusComponent component = new ModbusComponent();
    List<String> ids = List.of("m0", "m1", "m2", "m3", "m4");
    for (String id : ids) {
      component.addDevice(
          new ModbusDevice(
              id,
              "127.0.0.1",
              502,
              1,
              Duration.ofSeconds(1),
              Duration.ofSeconds(1),
              List.of(ModbusTag.of("t", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.UINT16))));
    }
    try (CamelContext context = new DefaultCamelContext()) {
      context.addComponent("modbus", component);
      List<Long> starts =
          ids.stream()
              .map(id -> context.getEndpoint("modbus:" + id, ModbusEndpoint.class))
              .map(ModbusEndpoint::getInitialDelay)
              .toList();
      // frac(n × 0.618…) of the 1 s interval: each new device lands in the largest gap left
      assertThat(starts).containsExactly(0L, 618L, 236L, 854L, 472L);
      assertThat(
              context
                  .getEndpoint("modbus:m3?initialDelay=5", ModbusEndpoint.class)
                  .getInitialDelay())
          .isEqualTo(5L);
    }
  }

  @Test
  void unregisteredDevice_isRefusedWithTheRegisteredIds() {
    assertThatThrownBy(() -> start("modbus:turbine"))
        .isInstanceOf(FailedToCreateRouteException.class)
        .hasStackTraceContaining(
            "no registered Modbus device 'turbine'; registered: [boiler, long-run]");
  }

  /** The boiler's "serial number": the uint32 input registers 12-13. */
  private static ModbusFingerprint serialNumber(long expected) {
    return new ModbusFingerprint(
        ModbusTag.of("serial", ModbusTable.INPUT_REGISTER, 12, ModbusDataType.UINT32), expected);
  }

  @Test
  void fingerprintMatches_deviceIsPolled() throws Exception {
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.modbus")) {
      start(Optional.of(serialNumber(4_000_000_000L)), "modbus:boiler");

      assertThat(byTag(next("boiler")).get("temperature").value()).isEqualTo(21.5);
      assertThat(log.has("modbus device fingerprint verified device=boiler")).isTrue();
    }
  }

  @Test
  void fingerprintMismatch_stopsTheDevicesFlowWithAClearError() throws Exception {
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.modbus")) {
      start(Optional.of(serialNumber(1234L)), "modbus:boiler", "modbus:long-run");

      next("long-run");
      assertThat(queue("boiler").poll(1, TimeUnit.SECONDS)).isNull();
      assertThat(log.lines())
          .containsOnlyOnce(
              "ERROR modbus device flow stopped device=boiler endpoint=127.0.0.1:"
                  + PLANT.device("boiler").port()
                  + " reason=\"device fingerprint mismatch: table=inputRegister address=12"
                  + " type=uint32 holds 4000000000 but the device is registered with 1234; the"
                  + " device was swapped or is impersonated\"");
    }
  }
}
