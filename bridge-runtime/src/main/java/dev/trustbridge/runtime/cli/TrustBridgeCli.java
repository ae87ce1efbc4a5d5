package dev.trustbridge.runtime.cli;

import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code trustbridge} command line: {@code run}, and {@code demo} where the simulators are
 * present.
 */
@Command(
    name = "trustbridge",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "OT/IT edge trust-bridge gateway.",
    subcommands = {RunCommand.class})
public final class TrustBridgeCli {

  /** Exit code for a configuration that cannot be used. */
  public static final int EXIT_CONFIG = 2;

  /** Exit code for a failure while starting or running. */
  public static final int EXIT_FAILURE = 1;

  private static final String DEMO_COMMAND = "dev.trustbridge.runtime.demo.DemoCommand";

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
    demoCommand().ifPresent(demo -> commandLine.addSubcommand("demo", demo));
    return commandLine;
  }

  /**
   * The demo needs the simulators and the embedded broker, which a production installation does not
   * ship; without them there is simply no {@code demo} command.
   */
  private static Optional<Object> demoCommand() {
    try {
      return Optional.of(Class.forName(DEMO_COMMAND).getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
  }
}
