package dev.trustbridge.runtime.cli;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code trustbridge} command line: {@code run}, and {@code demo} and {@code sim} where the
 * simulators are present.
 */
@Command(
    name = "trustbridge",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "OT/IT edge trust-bridge gateway.",
    subcommands = {
      RunCommand.class,
      KeysCommand.class,
      VerifyCommand.class,
      OutboxCommand.class,
      OpcUaCommand.class,
      CmdCommand.class,
      AttestCommand.class,
      ConfigCommand.class
    })
public final class TrustBridgeCli {

  /** Exit code for a configuration that cannot be used. */
  public static final int EXIT_CONFIG = 2;

  /** Exit code for a failure while starting or running. */
  public static final int EXIT_FAILURE = 1;

  /** Commands that exist only where device-sim is on the class path. */
  private static final Map<String, String> SIMULATION_COMMANDS =
      Map.of(
          "demo", "dev.trustbridge.runtime.demo.DemoCommand",
          "sim", "dev.trustbridge.sim.cli.SimulatorCli");

  /**
   * Our logging configuration, under its own name because libraries on the demo's class path ship a
   * {@code logback.xml} of their own.
   */
  private static final String LOGGING_CONFIGURATION = "trustbridge-logback.xml";

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGGING_CONFIGURATION);
    }
    System.exit(commandLine().execute(args));
  }

  /** The command line with every subcommand available on this classpath. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new TrustBridgeCli());
    new TreeMap<>(SIMULATION_COMMANDS)
        .forEach(
            (name, className) ->
                optionalCommand(className)
                    .ifPresent(command -> commandLine.addSubcommand(name, command)));
    return commandLine;
  }

  /**
   * The demo and the simulators need device-sim and the embedded broker, which a production
   * installation does not ship; without them those commands simply do not exist.
   */
  private static Optional<Object> optionalCommand(String className) {
    try {
      return Optional.of(Class.forName(className).getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
  }
}
