package dev.trustbridge.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.sim.tokens.TokenRig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Short runs of the load harness, so that it keeps working: the Modbus and OPC UA smoke workloads
 * under the profiles, each a real simulator, gateway or bare pipeline process against the broker.
 * No figure is judged here (speed belongs to the benchmark runs), only that every sample arrived,
 * verified.
 */
class LoadHarnessSmokeTest {

  @Test
  void smokeRuns_bareAndFull_deliverEverySample_andTheFullOnesVerified(@TempDir Path work)
      throws Exception {
    Report report = run(work, "bare,full");

    assertThat(report.failures()).isEmpty();
    assertThat(report.results())
        .extracting(result -> result.workload().name() + " " + result.profile().label())
        .containsExactly("smoke bare", "smoke full", "ua-smoke bare", "ua-smoke full");
    for (RunResult result : report.results()) {
      assertDelivered(result);
    }
    for (RunResult bare : List.of(report.results().get(0), report.results().get(2))) {
      assertThat(bare.lostSamples()).as(bare.workload().name()).isZero();
      assertThat(bare.delivery().verifiedSamples()).isZero();
    }
    assertThat(Files.readString(work.resolve("report.md")))
        .contains(
            "### smoke",
            "### ua-smoke",
            "| bare |",
            "| full |",
            "full / bare gateway CPU per sample");
  }

  @Test
  void smokeRun_identityInSoftHsm2_deliversEverySampleVerified(@TempDir Path work)
      throws Exception {
    TokenRig.require();

    Report report = run(work, "full-softhsm2");

    assertThat(report.failures()).isEmpty();
    assertThat(report.results()).extracting(RunResult::profile).containsOnly(Profile.FULL_SOFTHSM2);
    for (RunResult result : report.results()) {
      assertDelivered(result);
    }
    assertThat(Files.readString(work.resolve("01-smoke-full-softhsm2/config/trustbridge.yaml")))
        .contains("type: pkcs11", "libsofthsm2.so");
  }

  private static Report run(Path work, String profiles) throws Exception {
    LoadHarness harness = new LoadHarness();
    new CommandLine(harness)
        .parseArgs(
            "--workloads",
            profiles.equals("full-softhsm2") ? "smoke" : "smoke,ua-smoke",
            "--profiles",
            profiles,
            "--warmup",
            "PT2S",
            "--measure",
            "PT4S",
            "--work",
            work.toString());
    return harness.runAll();
  }

  private static void assertDelivered(RunResult result) {
    String run = result.workload().name() + " " + result.profile().label();
    Delivery delivery = result.delivery();
    assertThat(delivery.acceptedSamples()).as(run).isPositive();
    assertThat(delivery.latenciesMillis()).as(run).isNotEmpty();
    assertThat(delivery.pollsObserved()).as(run).isPositive();
    assertThat(delivery.failures()).as(run + " verifier outcomes").isEmpty();
    assertThat(result.gatewayCpuSeconds()).as(run).isPositive();
    assertThat(result.peakRssBytes()).as(run).isGreaterThan(result.endRssBytes() / 2).isPositive();
    if (result.profile().trusted()) {
      assertThat(delivery.verifiedSamples()).as(run).isEqualTo(delivery.acceptedSamples());
      assertThat(delivery.missingEnvelopes()).as(run).isZero();
      assertThat(result.vaultOperations()).as(run).isPositive();
    }
  }
}
