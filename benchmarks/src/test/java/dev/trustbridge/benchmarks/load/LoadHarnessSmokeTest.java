package dev.trustbridge.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short run of the load harness, so that it keeps working: the smoke workload under both
 * profiles, each a real simulator, gateway or bare pipeline process against the broker. No figure
 * is judged here (speed belongs to the benchmark runs), only that every sample arrived, verified.
 */
class LoadHarnessSmokeTest {

  @Test
  void smokeRun_bothProfiles_deliverEverySample_andTheFullOneVerified(@TempDir Path work)
      throws Exception {
    LoadHarness harness = new LoadHarness();
    new CommandLine(harness)
        .parseArgs(
            "--workloads",
            "smoke",
            "--warmup",
            "PT2S",
            "--measure",
            "PT4S",
            "--work",
            work.toString());

    Report report = harness.runAll();

    assertThat(report.failures()).isEmpty();

    assertThat(report.results())
        .extracting(RunResult::profile)
        .containsExactly(Profile.BARE, Profile.FULL);
    for (RunResult result : report.results()) {
      Delivery delivery = result.delivery();
      assertThat(delivery.acceptedSamples()).as(result.profile().label()).isPositive();
      assertThat(delivery.latenciesMillis()).isNotEmpty();
      assertThat(delivery.pollsObserved()).isPositive();
      assertThat(delivery.failures()).as("verifier outcomes").isEmpty();
      assertThat(result.gatewayCpuSeconds()).isPositive();
      assertThat(result.peakRssBytes()).isGreaterThan(result.endRssBytes() / 2).isPositive();
    }
    RunResult bare = report.results().get(0);
    assertThat(bare.lostSamples()).isZero();
    assertThat(bare.delivery().verifiedSamples()).isZero();
    RunResult full = report.results().get(1);
    assertThat(full.delivery().verifiedSamples()).isEqualTo(full.delivery().acceptedSamples());
    assertThat(full.delivery().missingEnvelopes()).isZero();
    assertThat(full.vaultOperations()).isPositive();
    assertThat(Files.readString(work.resolve("report.md")))
        .contains("### smoke", "| bare |", "| full |", "full / bare gateway CPU per sample");
  }
}
