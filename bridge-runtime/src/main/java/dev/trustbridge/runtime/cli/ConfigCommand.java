package dev.trustbridge.runtime.cli;

import dev.trustbridge.runtime.config.ConfigBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustbridge config sign}: signs a configuration directory for a gateway that needs it. */
@Command(
    name = "config",
    description = "Configuration tooling.",
    subcommands = {ConfigCommand.Sign.class})
final class ConfigCommand {

  /** Writes the signed manifest of every file that configures the gateway. */
  @Command(
      name = "sign",
      description =
          "Sign trustbridge.yaml, the route files and the policy files of DIR into "
              + ConfigBundle.FILE
              + ", at a version that must never go back.")
  static final class Sign implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private SigningKeyOptions signingKey;

    @Option(
        names = "--version",
        required = true,
        paramLabel = "N",
        description = "The bundle's version; gateways refuse any lower than one they accepted.")
    private long version;

    @Parameters(paramLabel = "DIR", description = "The configuration directory.")
    private Path directory;

    @Override
    public Integer call() throws Exception {
      List<Path> files = ConfigBundle.files(directory);
      byte[] bundle =
          signingKey.sign(
              (signer, algorithm, chain) ->
                  ConfigBundle.sign(directory, files, version, signer, algorithm, chain));
      Files.write(directory.resolve(ConfigBundle.FILE), bundle);
      spec.commandLine()
          .getOut()
          .println(
              "signed "
                  + files.size()
                  + " files at version "
                  + version
                  + " into "
                  + directory.resolve(ConfigBundle.FILE));
      return 0;
    }
  }
}
