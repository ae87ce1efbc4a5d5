package dev.trustbridge.sim.modbus;

import static dev.trustbridge.sim.modbus.Masters.holding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults as a j2mod master sees them: refused, slow, failing and dropped connections. */
class SimulatedDeviceFaultsTest {

  @RegisterExtension
  static final ModbusSimulatorExtension simulator =
      ModbusSimulatorExtension.fromYaml(
          """
          devices:
            - id: plc
              unitId: 1
              points:
                - {table: holdingRegister, address: 0, type: uint16, value: {constant: 4711}}
          """);

  private SimulatedDevice device;
  private ModbusTCPMaster master;

  @BeforeEach
  void connect() throws Exception {
    device = simulator.device("plc");
    master = Masters.connect(device, 1000);
  }

  @AfterEach
  void disconnect() {
    master.disconnect();
  }

  @Test
  void stop_thenStart_refusesThenServesOnSamePort() throws Exception {
    int port = device.port();

    device.stop();

    assertThat(device.isRunning()).isFalse();
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("refused");
    assertThatThrownBy(() -> master.readMultipleRegisters(1, 0, 1))
        .isInstanceOf(ModbusIOException.class);

    device.start();

    assertThat(device.port()).isEqualTo(port);
    master.disconnect();
    master = Masters.connect(device, 1000);
    assertThat(holding(master, 1, 0, 1)).containsExactly(4711);
  }

  @Test
  void delayReplies_shorterThanTimeout_answersAfterDelay() throws Exception {
    device.delayReplies(Duration.ofMillis(300));

    long start = System.nanoTime();
    assertThat(holding(master, 1, 0, 1)).containsExactly(4711);

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void delayReplies_longerThanTimeout_masterTimesOutUntilCleared() throws Exception {
    device.delayReplies(Duration.ofSeconds(30));

    assertThatThrownBy(() -> master.readMultipleRegisters(1, 0, 1))
        .isInstanceOf(ModbusIOException.class)
        .hasMessageContaining("timeout");

    device.clearFaults();
    master.disconnect();
    master = Masters.connect(device, 1000);
    long start = System.nanoTime();
    assertThat(holding(master, 1, 0, 1)).containsExactly(4711);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
  }

  @Test
  void answerWithException_serverBusy_masterGetsCode6() throws Exception {
    device.answerWithException(6);

    assertThatThrownBy(() -> master.readMultipleRegisters(1, 0, 1))
        .isInstanceOfSatisfying(
            ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(6));

    device.clearFaults();
    assertThat(holding(master, 1, 0, 1)).containsExactly(4711);
  }

  @Test
  void answerWithException_outsideOneTo255_isRefused() {
    assertThatThrownBy(() -> device.answerWithException(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a Modbus exception code is 1..255, got 0");
  }

  @Test
  void dropConnections_closesOpenAndEveryNewConnection() throws Exception {
    assertThat(holding(master, 1, 0, 1)).containsExactly(4711);

    device.dropConnections();

    assertThatThrownBy(() -> master.readMultipleRegisters(1, 0, 1))
        .isInstanceOf(ModbusIOException.class);
    try (Socket socket = new Socket("127.0.0.1", device.port())) {
      socket.setSoTimeout(2000);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }

    device.clearFaults();
    master.disconnect();
    master = Masters.connect(device, 1000);
    assertThat(holding(master, 1, 0, 1)).containsExactly(4711);
  }

  @Test
  void closeConnections_closesOpenConnectionsOnce() throws Exception {
    try (Socket raw = new Socket("127.0.0.1", device.port())) {
      raw.setSoTimeout(2000);
      // read holding register 0 of unit 1, transaction 1: the device answers 4711 = 0x1267
      raw.getOutputStream().write(new byte[] {0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1});
      byte[] reply = raw.getInputStream().readNBytes(11);
      assertThat(reply).containsExactly(0, 1, 0, 0, 0, 5, 1, 3, 2, 0x12, 0x67);
      assertThat(holding(master, 1, 0, 1)).containsExactly(4711);

      device.closeConnections();

      assertThat(raw.getInputStream().read()).isEqualTo(-1);
      assertThatThrownBy(() -> master.readMultipleRegisters(1, 0, 1))
          .isInstanceOf(ModbusIOException.class);
    }
    master.disconnect();
    master = Masters.connect(device, 1000);
    assertThat(holding(master, 1, 0, 1)).containsExactly(4711);
  }

  @Test
  void malformedFrame_oversizedLength_closesOnlyThatConnection() throws Exception {
    try (Socket raw = new Socket("127.0.0.1", device.port())) {
      raw.setSoTimeout(2000);
      // MBAP header announcing 512 bytes, more than any Modbus frame may carry
      raw.getOutputStream().write(new byte[] {0, 1, 0, 0, 2, 0, 1, 3, 0, 0, 0, 1});

      assertThat(raw.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(holding(master, 1, 0, 1)).containsExactly(4711);
  }
}
