package dev.trustbridge.runtime.outbox;

import static dev.trustbridge.runtime.GatewayRig.DEVICES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trustbridge.runtime.GatewayRig;
import dev.trustbridge.runtime.cli.TrustBridgeCli;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.broker.EmbeddedBrokerExtension;
import dev.trustbridge.sim.modbus.ModbusSimulatorExtension;
import dev.trustbridge.sim.pki.DevelopmentPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as its own OS process under steady load, killed with SIGKILL at random moments and
 * started again each time: every sequence number it signed reaches the broker or is still in its
 * outbox, none is missing.
 */
@ExtendWith(EmbeddedBrokerExtension.class)
class GatewayKillTest {

  @RegisterExtension static final ModbusSimulatorExtension PLANT = GatewayRig.plant();

  private static final int KILLS = 4;

  @TempDir Path config;
  private final EmbeddedBroker broker;
  private final DevelopmentPki pki;

  GatewayKillTest(EmbeddedBroker broker, DevelopmentPki pki) {
    this.broker = broker;
    this.pki = pki;
  }

  @Test
  void gatewayKilledRepeatedly_noSequenceNumberIsMissing() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    GatewayRig.writeConfig(config, pki, "");
    try (TelemetryRecorder recorder = TelemetryRecorder.start(broker, pki, GatewayRig.TELEMETRY)) {
      for (int run = 0; run <= KILLS; run++) {
        long before = DEVICES.stream().mapToLong(recorder::newest).sum();
        Process gateway = start(run);
        try {
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> DEVICES.stream().mapToLong(recorder::newest).sum() > before);
          Thread.sleep(300 + random.nextInt(2_000));
          if (run < KILLS) {
            gateway.destroyForcibly();
          } else {
            gateway.destroy();
          }
          assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).as("gateway ended").isTrue();
          if (run == KILLS) {
            assertThat(gateway.exitValue()).as("exit after SIGTERM").isIn(0, 143);
          }
        } finally {
          gateway.destroyForcibly();
        }
      }

      Map<String, Long> signed = GatewayRig.positions(config);
      Map<String, TreeSet<Long>> waiting = GatewayRig.waiting(config);
      for (String device : DEVICES) {
        Set<Long> missing = recorder.missing(device, signed.get(device));
        missing.removeAll(waiting.getOrDefault(device, new TreeSet<>()));
        assertThat(missing).as(device + " (random seed " + seed + ")").isEmpty();
        assertThat(recorder.stream(device).firstKey()).as(device).isEqualTo(1);
        assertThat(recorder.notices(device)).isEmpty();
      }
      assertThat(recorder.problems()).as("random seed " + seed).isEmpty();
    }
  }

  private Process start(int run) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                TrustBridgeCli.class.getName(),
                "run",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(config.resolve("gateway-" + run + ".log").toFile());
    builder.environment().putAll(GatewayRig.environment(PLANT, pki, broker.tlsServerUri()));
    return builder.start();
  }
}
