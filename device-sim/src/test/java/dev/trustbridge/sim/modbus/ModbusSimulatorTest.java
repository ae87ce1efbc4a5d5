package dev.trustbridge.sim.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ModbusSimulatorTest {

  @Test
  void start_fixedPort_listensThere() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }

    try (ModbusSimulator simulator = ModbusSimulator.start(scenario(port))) {
      assertThat(simulator.device("fixed").port()).isEqualTo(port);
      assertThat(simulator.device("fixed").address().getAddress().getHostAddress())
          .isEqualTo("127.0.0.1");
    }
  }

  @Test
  void start_portTaken_failsNamingDeviceAndAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> ModbusSimulator.start(scenario(port)))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("device fixed cannot listen on 127.0.0.1:" + port + ": ");
    }
  }

  private static Scenario scenario(int port) {
    return Scenario.parse(
        """
        devices:
          - id: fixed
            port: %d
            points: [{table: coil, address: 0, type: bool, value: {constant: true}}]
        """
            .formatted(port),
        "fixed.yaml");
  }
}
