package dev.trustbridge.sim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Command line entry of the device simulators: one subcommand per protocol, each running until the
 * process is stopped (Ctrl-C or SIGTERM).
 *
 * <pre>
 * java -cp trustbridge-sim.jar:… dev.trustbridge.sim.cli.SimulatorCli modbus --scenario plant.yaml
 * java -cp trustbridge-sim.jar:… dev.trustbridge.sim.cli.SimulatorCli opcua --sample-plant --pki-dir pki
 * </pre>
 */
@Command(
    name = "trustbridge-sim",
    mixinStandardHelpOptions = true,
    versionProvider = SimulatorCli.Version.class,
    description = "Runs simulated plant devices for the TrustBridge gateway.",
    subcommands = {ModbusCommand.class, OpcUaCommand.class})
public final class SimulatorCli implements Runnable {

  /** Exit status of a subcommand whose scenario cannot be read or has problems. */
  static final int SCENARIO_INVALID = 2;

  /** Exit status of a subcommand whose simulator cannot listen on its port. */
  static final int CANNOT_LISTEN = 3;

  private static final String LOGGING_CONFIG = "dev/trustbridge/sim/cli/logback-cli.xml";

  @Spec private CommandSpec spec;

  /** Runs the command line; exits with the subcommand's status. */
  public static void main(String[] args) {
    // Set before the first logger exists: logs go to stderr, so stdout carries only the addresses.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGGING_CONFIG);
    }
    System.exit(new CommandLine(new SimulatorCli()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing a simulator: modbus or opcua");
  }

  /** Reports the version of the jar the CLI runs from. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SimulatorCli.class.getPackage().getImplementationVersion();
      return new String[] {"trustbridge-sim " + (version == null ? "development build" : version)};
    }
  }
}
