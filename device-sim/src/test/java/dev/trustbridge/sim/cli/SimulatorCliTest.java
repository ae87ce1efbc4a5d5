package dev.trustbridge.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulatorCliTest {

  private static final Pattern DEVICE_LINE =
      Pattern.compile("device=(\\S+) address=127\\.0\\.0\\.1:(\\d+) unitId=(\\d+)");

  @Test
  void modbus_scenarioFile_printsDevicesServesAndClosesOnSigterm(@TempDir Path dir)
      throws Exception {
    Path scenario = dir.resolve("two.yaml");
    Files.writeString(
        scenario,
        """
        devices:
          - id: tank
            unitId: 4
            points: [{table: holdingRegister, address: 0, type: int16, value: {constant: -7}}]
          - id: valve
            points: [{table: coil, address: 0, type: bool, value: {constant: true}}]
        """);
    Path stderr = dir.resolve("stderr.txt");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SimulatorCli.class.getName(),
                "modbus",
                "--scenario",
                scenario.toString())
            .redirectError(stderr.toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      List<Matcher> devices = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String line = out.readLine();
        assertThat(line).as("stderr: %s", Files.readString(stderr)).matches(DEVICE_LINE);
        Matcher matcher = DEVICE_LINE.matcher(line);
        assertThat(matcher.matches()).isTrue();
        devices.add(matcher);
      }
      assertThat(devices).extracting(m -> m.group(1)).containsExactly("tank", "valve");
      assertThat(devices).extracting(m -> m.group(3)).containsExactly("4", "1");

      ModbusTCPMaster master =
          new ModbusTCPMaster("127.0.0.1", Integer.parseInt(devices.get(0).group(2)), 2000, false);
      master.connect();
      try {
        assertThat(master.readMultipleRegisters(4, 0, 1)[0].toShort()).isEqualTo((short) -7);
      } finally {
        master.disconnect();
      }

      process.destroy();

      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(stderr)).contains("modbus simulator closed");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void modbus_invalidScenario_printsProblemsAndExitsWith2(@TempDir Path dir) throws Exception {
    Path scenario = dir.resolve("bad.yaml");
    Files.writeString(scenario, "devices:\n  - id: x\n    points: []\n");
    StringWriter err = new StringWriter();

    int status =
        new CommandLine(new SimulatorCli())
            .setErr(new PrintWriter(err, true))
            .execute("modbus", "--scenario", scenario.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .contains(scenario + ":3:13: devices[0].points: a device needs at least one point");
  }

  @Test
  void noSubcommand_isAUsageError() {
    StringWriter err = new StringWriter();

    int status = new CommandLine(new SimulatorCli()).setErr(new PrintWriter(err, true)).execute();

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("Missing a simulator: modbus").contains("Usage:");
  }
}
