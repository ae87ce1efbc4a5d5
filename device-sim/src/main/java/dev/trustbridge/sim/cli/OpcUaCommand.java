package dev.trustbridge.sim.cli;

import dev.trustbridge.sim.opcua.OpcUaScenario;
import dev.trustbridge.sim.opcua.OpcUaSimulator;
import dev.trustbridge.sim.scenario.ScenarioException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opcua}: runs the OPC UA server of a scenario until the process is stopped. */
@Command(
    name = "opcua",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the OPC UA server of a scenario on 127.0.0.1 until Ctrl-C.",
      "Prints one key=value line each: endpoint, applicationUri, certificateSha256, security,"
          + " userTokens, namespace, pki"
    })
final class OpcUaCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @ArgGroup(multiplicity = "1")
  private Source source;

  @Option(
      names = "--pki-dir",
      paramLabel = "DIR",
      description = {
        "PKI directory: the server's certificate and key, trusted/certs for client certificates.",
        "Kept across runs. Default: a temporary directory, deleted on exit."
      })
  private Path pkiDirectory;

  static final class Source {
    @Option(names = "--scenario", paramLabel = "FILE", description = "Scenario YAML file.")
    private Path file;

    @Option(
        names = "--sample-plant",
        description = "Run the built-in sample plant (a bottle packaging line).")
    private boolean samplePlant;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OpcUaScenario scenario;
    try {
      scenario = source.samplePlant ? OpcUaScenario.samplePlant() : OpcUaScenario.load(source.file);
    } catch (ScenarioException e) {
      err.println(e.getMessage());
      return SimulatorCli.SCENARIO_INVALID;
    } catch (IOException e) {
      String reason = e instanceof NoSuchFileException ? "no such file" : e.toString();
      err.println("cannot read scenario " + source.file + ": " + reason);
      return SimulatorCli.SCENARIO_INVALID;
    }
    OpcUaSimulator simulator;
    try {
      simulator =
          pkiDirectory == null
              ? OpcUaSimulator.start(scenario)
              : OpcUaSimulator.start(scenario, pkiDirectory);
    } catch (UncheckedIOException e) {
      err.println(e.getMessage());
      return SimulatorCli.CANNOT_LISTEN;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "opcua-sim-shutdown"));
    out.printf("endpoint=%s%n", simulator.endpointUrl());
    out.printf("applicationUri=%s%n", simulator.applicationUri());
    out.printf("certificateSha256=%s%n", simulator.certificateSha256());
    out.printf("security=%s%n", String.join(",", simulator.securityPolicies()));
    out.printf("userTokens=%s%n", String.join(",", simulator.userTokens()));
    out.printf("namespace=%s index=%d%n", simulator.namespaceUri(), simulator.namespaceIndex());
    out.printf("pki=%s%n", simulator.pkiDirectory());
    out.flush();
    // Runs until the process is stopped; the JVM ends while this thread waits, after the hook ran.
    Thread.currentThread().join();
    return 0;
  }
}
