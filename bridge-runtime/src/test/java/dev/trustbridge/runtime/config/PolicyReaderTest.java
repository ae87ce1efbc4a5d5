package dev.trustbridge.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.policy.rules.Policy;
import dev.trustbridge.runtime.config.internal.Problems;
import dev.trustbridge.runtime.config.internal.Substitution;
import dev.trustbridge.runtime.config.internal.YamlFiles;
import dev.trustbridge.runtime.config.internal.YamlMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The telemetry default per security mode, which a whole production configuration cannot show. */
class PolicyReaderTest {

  @TempDir Path dir;

  private Optional<Policy> read(String policy, SecurityMode mode) throws Exception {
    Files.writeString(dir.resolve("main.yaml"), "policies: [plant.yaml]\n");
    Files.writeString(dir.resolve("plant.yaml"), policy);
    Problems problems = new Problems();
    Substitution substitution = new Substitution(Map.of(), dir);
    YamlMapping root =
        YamlMapping.root(
            "main.yaml",
            YamlFiles.parse(dir.resolve("main.yaml"), "main.yaml", problems).orElseThrow(),
            problems,
            substitution);
    Optional<Policy> read = new PolicyReader(dir, problems, substitution).read(root, mode);
    problems.throwIfAny();
    return read;
  }

  @Test
  void noDefaultGiven_deniesInProductionAndAllowsInDevelopment() throws Exception {
    String rules = "telemetry:\n  rules:\n    - {id: pumps, devices: [pump-*], action: allow}\n";

    assertThat(read(rules, SecurityMode.PRODUCTION).orElseThrow().telemetryAllowedByDefault())
        .isFalse();
    assertThat(read(rules, SecurityMode.DEVELOPMENT).orElseThrow().telemetryAllowedByDefault())
        .isTrue();
  }

  @Test
  void explicitDefault_winsOverTheMode() throws Exception {
    String allow = "telemetry:\n  default: allow\n";
    String deny = "telemetry:\n  default: deny\n";

    assertThat(read(allow, SecurityMode.PRODUCTION).orElseThrow().telemetryAllowedByDefault())
        .isTrue();
    assertThat(read(deny, SecurityMode.DEVELOPMENT).orElseThrow().telemetryAllowedByDefault())
        .isFalse();
  }
}
