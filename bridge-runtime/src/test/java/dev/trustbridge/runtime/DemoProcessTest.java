package dev.trustbridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.runtime.cli.TrustBridgeCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trustbridge demo} as a user runs it: its own process, live values, a clean stop on
 * SIGTERM.
 */
class DemoProcessTest {

  private static final Pattern VERIFIED_GOOD = Pattern.compile("\\sGOOD\\s+verified #\\d+$");

  @TempDir Path workDirectory;

  @Test
  void demo_showsVerifiedValuesAndOnePermittedAndOneRefusedCommand_thenStopsOnSigterm()
      throws Exception {
    Process demo =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TrustBridgeCli.class.getName(),
                "demo",
                "--work-dir",
                workDirectory.toString())
            .redirectError(workDirectory.resolve("demo.log").toFile())
            .start();
    Set<String> devicesSeen = new HashSet<>();
    Set<String> tagsSeen = new HashSet<>();
    List<String> commands = new ArrayList<>();
    long started = System.nanoTime();
    // a demo that never shows what is awaited is ended, so the reading below ends and fails
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    watchdog.schedule(demo::destroyForcibly, 150, TimeUnit.SECONDS);
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      List<String> attestations = new ArrayList<>();
      while ((devicesSeen.size() < 4 || commands.size() < 2 || attestations.isEmpty())
          && (line = out.readLine()) != null) {
        // time, device, tag, value, unit, quality, "verified #<seq>": only verified envelopes count
        if (VERIFIED_GOOD.matcher(line).find()) {
          devicesSeen.add(line.trim().split("\\s+")[1]);
          tagsSeen.add(line.trim().split("\\s+")[2]);
        } else if (line.startsWith("command ")) {
          commands.add(line);
        } else if (line.startsWith("attestation ")) {
          attestations.add(line);
        }
      }
      Duration untilValues = Duration.ofNanos(System.nanoTime() - started);
      System.out.println(
          "demo showed verified GOOD values of every device after "
              + untilValues.toMillis()
              + " ms");
      assertThat(devicesSeen)
          .containsExactlyInAnyOrder("boiler-1", "pump-1", "energy-meter-1", "packaging-line");
      // the demo policy keeps the meter's configuration in the plant
      assertThat(tagsSeen).contains("power").doesNotContain("ctRatio");
      assertThat(commands)
          .anyMatch(
              c ->
                  c.startsWith("command boiler-1/setpoint ")
                      && c.endsWith(": done ok (function 16 wrote 2 registers at 0)"))
          .anyMatch(
              c -> c.startsWith("command pump-1/run ") && c.contains(": refused role-not-granted"));

      assertThat(attestations.get(0))
          .startsWith("attestation TRUSTED level=software gateway=demo-plant/demo-gw");

      demo.destroy();
      assertThat(demo.waitFor(30, TimeUnit.SECONDS))
          .as("demo stopped within 30 s of SIGTERM")
          .isTrue();
    } finally {
      watchdog.shutdownNow();
      demo.destroyForcibly();
    }
    assertThat(workDirectory.resolve("pki/ca.pem")).exists();
    assertThat(workDirectory.resolve("config/trustbridge.yaml")).exists();
  }
}
