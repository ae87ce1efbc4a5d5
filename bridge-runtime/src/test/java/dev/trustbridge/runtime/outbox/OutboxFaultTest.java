package dev.trustbridge.runtime.outbox;

import static dev.trustbridge.runtime.GatewayRig.DEVICES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trustbridge.runtime.Gateway;
import dev.trustbridge.runtime.GatewayRig;
import dev.trustbridge.runtime.cli.TrustBridgeCli;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.broker.EmbeddedBrokerExtension;
import dev.trustbridge.sim.modbus.ModbusSimulatorExtension;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.trust.envelope.DroppedEnvelopes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Faults against the outbox with real peers: the broker stopped while devices produce, a byte
 * flipped inside the store file, and an outbox too small for an outage, dropping or blocking.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class OutboxFaultTest {

  @RegisterExtension static final ModbusSimulatorExtension PLANT = GatewayRig.plant();

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path config;
  private final EmbeddedBroker broker;
  private final DevelopmentPki pki;
  private Gateway gateway;

  OutboxFaultTest(EmbeddedBroker broker, DevelopmentPki pki) {
    this.broker = broker;
    this.pki = pki;
  }

  @AfterEach
  void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
    broker.start();
  }

  @Test
  void brokerStoppedWhileDevicesProduce_everySequenceNumberArrivesInOrder() throws Exception {
    GatewayRig.writeConfig(config, pki, "");
    try (TelemetryRecorder recorder = TelemetryRecorder.start(broker, pki, GatewayRig.TELEMETRY)) {
      gateway = start(broker.tlsServerUri());
      await()
          .atMost(PATIENCE)
          .until(() -> DEVICES.stream().allMatch(device -> recorder.newest(device) >= 5));

      broker.stop();
      Thread.sleep(2_000);
      OutboxStatus duringOutage = status();
      broker.start();
      Map<String, Long> signed = GatewayRig.positions(config);
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  DEVICES.stream()
                      .allMatch(device -> recorder.newest(device) >= signed.get(device)));

      assertThat(duringOutage.depth()).as("envelopes kept during the outage").isGreaterThan(20);
      for (String device : DEVICES) {
        assertThat(recorder.missing(device, signed.get(device))).as(device).isEmpty();
      }
      assertThat(recorder.problems()).isEmpty();
      assertThat(status().droppedTotal()).isZero();
      assertThat(status().delivered()).isGreaterThanOrEqualTo(duringOutage.depth());
    }
  }

  @Test
  void byteFlippedInStoredRecord_recordIsQuarantined_othersDelivered() throws Exception {
    GatewayRig.writeConfig(config, pki, "");
    gateway = start(GatewayRig.unreachableBroker());
    await().atMost(PATIENCE).until(() -> status().depth() >= 30);
    gateway.close();
    gateway = null;

    Tampered tampered = flipByteInRecord(15);
    try (TelemetryRecorder recorder = TelemetryRecorder.start(broker, pki, GatewayRig.TELEMETRY)) {
      gateway = start(broker.tlsServerUri());
      await().atMost(PATIENCE).until(() -> recorder.newest(tampered.device()) > tampered.seq() + 3);

      assertThat(status().tamperRejected()).isEqualTo(1);
      assertThat(recorder.stream(tampered.device())).doesNotContainKey(tampered.seq());
      assertThat(recorder.missing(tampered.device(), tampered.seq() + 3))
          .containsExactly(tampered.seq());
      try (Connection store = GatewayRig.store(config);
          Statement statement = store.createStatement();
          ResultSet quarantined =
              statement.executeQuery("SELECT device, seq, reason FROM quarantine")) {
        assertThat(quarantined.next()).isTrue();
        assertThat(quarantined.getString(1)).isEqualTo(tampered.device());
        assertThat(quarantined.getLong(2)).isEqualTo(tampered.seq());
        assertThat(quarantined.getString(3)).isEqualTo("authentication failed");
      }
    }
  }

  @Test
  void smallOutboxDroppingOldest_dropsAreCountedAndAnnouncedInTheStreams() throws Exception {
    GatewayRig.writeConfig(config, pki, "outbox:\n  maxBytes: 32KiB\n  whenFull: dropOldest\n");
    gateway = start(GatewayRig.unreachableBroker());
    await().atMost(PATIENCE).until(() -> status().droppedTotal() >= 30);
    gateway.close();
    gateway = null;
    OutboxStatus full = status();

    assertThat(full.dropped().keySet()).containsExactly("full");
    assertThat(outboxStatusCommand())
        .containsPattern(
            "(?m)^cloud +"
                + full.depth()
                + " +[0-9.]+ KiB +[0-9.]+ s +0 +full="
                + full.droppedTotal()
                + " +0$");
    // each of the three producers may add one envelope and one drop notice beyond the bound
    assertThat(full.bytes()).isLessThanOrEqualTo(32 * 1024 + 16 * 1024);
    Map<String, Long> signed = GatewayRig.positions(config);
    try (TelemetryRecorder recorder = TelemetryRecorder.start(broker, pki, GatewayRig.TELEMETRY)) {
      gateway = start(broker.tlsServerUri());
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  DEVICES.stream()
                      .allMatch(device -> recorder.newest(device) >= signed.get(device)));
      // the restarted gateway may drop more while its backlog still fills the outbox: every drop
      // counted, before the restart and after, is announced
      await()
          .atMost(PATIENCE)
          .untilAsserted(() -> assertThat(announced(recorder)).isEqualTo(status().droppedTotal()));
      assertThat(announced(recorder)).isGreaterThanOrEqualTo(full.droppedTotal());
      for (String device : DEVICES) {
        Set<Long> explained = new TreeSet<>();
        for (DroppedEnvelopes notice : recorder.notices(device)) {
          assertThat(notice.reason()).isEqualTo("full");
          for (long seq = notice.fromSeq(); seq <= notice.toSeq(); seq++) {
            explained.add(seq);
          }
        }
        // the notices of drops before the recorder joined may be older than its first envelope
        assertThat(explained).as(device).containsAll(recorder.missing(device, signed.get(device)));
      }
      assertThat(recorder.problems()).isEmpty();
    }
  }

  @Test
  void smallOutboxBlocking_producersWaitAndNothingIsDropped() throws Exception {
    GatewayRig.writeConfig(config, pki, "outbox:\n  maxBytes: 16KiB\n  whenFull: block\n");
    gateway = start(GatewayRig.unreachableBroker());
    await().atMost(PATIENCE).until(() -> status().bytes() >= 16 * 1024);
    Map<String, Long> whenFull = GatewayRig.positions(config);
    long depthWhenFull = status().depth();
    Thread.sleep(1_500);

    assertThat(GatewayRig.positions(config))
        .as("no envelope signed while full")
        .isEqualTo(whenFull);
    assertThat(status().depth()).isEqualTo(depthWhenFull);
    assertThat(status().droppedTotal()).isZero();
    gateway.close();
    gateway = null;

    try (TelemetryRecorder recorder = TelemetryRecorder.start(broker, pki, GatewayRig.TELEMETRY)) {
      gateway = start(broker.tlsServerUri());
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  DEVICES.stream()
                      .allMatch(device -> recorder.newest(device) > whenFull.get(device)));
      for (String device : DEVICES) {
        assertThat(recorder.stream(device).firstKey()).as(device).isEqualTo(1);
        assertThat(recorder.missing(device, whenFull.get(device))).as(device).isEmpty();
        assertThat(recorder.notices(device)).isEmpty();
      }
      assertThat(recorder.problems()).isEmpty();
    }
  }

  @Test
  void diskFullWhileBrokerAway_producersWaitStoreIntact_nothingLostOnceSpaceReturns()
      throws Exception {
    Path state = Files.createDirectories(config.resolve("state"));
    try (SmallFilesystem disk = SmallFilesystem.mount(state, "4m")) {
      GatewayRig.writeConfig(config, pki, "");
      try (TelemetryRecorder recorder =
          TelemetryRecorder.start(broker, pki, GatewayRig.TELEMETRY)) {
        gateway = start(broker.tlsServerUri());
        await()
            .atMost(PATIENCE)
            .until(() -> DEVICES.stream().allMatch(device -> recorder.newest(device) >= 3));

        broker.stop();
        await().atMost(PATIENCE).until(() -> gateway.outboxStore().isWriteFailing());
        Map<String, Long> whenFull = GatewayRig.positions(config);
        Thread.sleep(1_500);
        // producers wait: a retry may squeeze a group into space a checkpoint freed, no more
        Map<String, Long> later = GatewayRig.positions(config);
        for (String device : DEVICES) {
          assertThat(later.get(device) - whenFull.get(device))
              .as(device + " envelopes committed in 1.5 s on a full disk (15 when it is not)")
              .isLessThanOrEqualTo(3);
        }
        try (Connection store = GatewayRig.store(config);
            Statement statement = store.createStatement();
            ResultSet check = statement.executeQuery("PRAGMA quick_check")) {
          assertThat(check.next()).isTrue();
          assertThat(check.getString(1)).isEqualTo("ok");
        }

        disk.resize("64m");
        broker.start();
        await()
            .atMost(PATIENCE)
            .until(
                () ->
                    DEVICES.stream()
                        .allMatch(device -> recorder.newest(device) > whenFull.get(device) + 3));
        for (String device : DEVICES) {
          assertThat(recorder.missing(device, recorder.newest(device))).as(device).isEmpty();
        }
        assertThat(recorder.problems()).isEmpty();
        assertThat(status().droppedTotal()).isZero();
      } finally {
        if (gateway != null) {
          gateway.close();
          gateway = null;
        }
      }
    }
  }

  private String outboxStatusCommand() {
    StringWriter out = new StringWriter();
    CommandLine command = TrustBridgeCli.commandLine().setOut(new PrintWriter(out));
    assertThat(command.execute("outbox", "status", "--state", config.resolve("state").toString()))
        .isZero();
    return out.toString();
  }

  private Gateway start(String brokerUri) throws Exception {
    return Gateway.start(
        new ConfigLoader(GatewayRig.environment(PLANT, pki, brokerUri)).load(config));
  }

  private static long announced(TelemetryRecorder recorder) {
    return DEVICES.stream()
        .flatMap(device -> recorder.notices(device).stream())
        .mapToLong(DroppedEnvelopes::count)
        .sum();
  }

  private OutboxStatus status() throws Exception {
    return OutboxStore.readStatus(config.resolve("state"), java.time.Clock.systemUTC()).stream()
        .filter(status -> status.uplink().equals("cloud"))
        .findFirst()
        .orElse(new OutboxStatus("cloud", 0, 0, java.util.Optional.empty(), 0, Map.of(), 0));
  }

  private record Tampered(String device, long seq) {}

  /** Flips one byte in the middle of the ciphertext of the n-th stored record, in the file. */
  private Tampered flipByteInRecord(int n) throws Exception {
    String device;
    long seq;
    byte[] ciphertext;
    try (Connection store = GatewayRig.store(config);
        PreparedStatement statement =
            store.prepareStatement(
                "SELECT device, seq, ciphertext FROM records ORDER BY id LIMIT 1 OFFSET ?")) {
      statement.setInt(1, n);
      try (ResultSet row = statement.executeQuery()) {
        assertThat(row.next()).isTrue();
        device = row.getString(1);
        seq = row.getLong(2);
        ciphertext = row.getBytes(3);
      }
    }
    Path file = config.resolve("state").resolve(OutboxStore.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    int at = indexOf(bytes, ciphertext);
    assertThat(at).as("the record's ciphertext is in the store file").isNotNegative();
    bytes[at + ciphertext.length / 2] ^= 0x01;
    Files.write(file, bytes);
    return new Tampered(device, seq);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
