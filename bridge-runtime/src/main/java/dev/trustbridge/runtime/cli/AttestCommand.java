package dev.trustbridge.runtime.cli;

import dev.trustbridge.runtime.attest.GatewayMeasurements;
import dev.trustbridge.runtime.config.ConfigException;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.trust.attest.GoldenSet;
import dev.trustbridge.trust.attest.Measurement;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbridge attest golden}: the golden measurements of an installation. */
@Command(
    name = "attest",
    description = "Attestation tooling.",
    subcommands = {AttestCommand.Golden.class})
final class AttestCommand {

  /**
   * Measures this installation's runtime and a configuration exactly as the gateway does at start,
   * and writes them as a golden set for {@code trustbridge verify attestation}.
   */
  @Command(
      name = "golden",
      description =
          "Write the golden set of this installation and configuration: run it in the release"
              + " pipeline with the released runtime and configuration.")
  static final class Golden implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "DIR",
        description = "Configuration directory holding trustbridge.yaml, routes/ and policies.")
    private Path configDirectory;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the golden set (JSON).")
    private Path output;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      GatewayConfig config;
      try {
        config = new ConfigLoader(System.getenv()).load(configDirectory);
      } catch (ConfigException e) {
        spec.commandLine().getErr().println("trustbridge: " + e.getMessage());
        return TrustBridgeCli.EXIT_CONFIG;
      }
      List<Measurement> measured = new GatewayMeasurements().measure(config);
      GoldenSet.of(measured).write(output);
      out.println("golden set of " + measured.size() + " components written to " + output);
      return 0;
    }
  }
}
