package dev.trustbridge.runtime.cli;

import dev.trustbridge.runtime.Gateway;
import dev.trustbridge.runtime.config.ConfigException;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbridge run --config DIR}: validates the configuration, then runs the gateway. */
@Command(
    name = "run",
    description = "Run the gateway from a configuration directory (trustbridge.yaml + routes/).")
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Spec private CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "DIR",
      description = "Configuration directory holding trustbridge.yaml and routes/*.camel.yaml.")
  private Path configDirectory;

  @Override
  public Integer call() {
    GatewayConfig config;
    try {
      config = new ConfigLoader(System.getenv()).load(configDirectory);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("trustbridge: not started, " + e.getMessage());
      return TrustBridgeCli.EXIT_CONFIG;
    }
    try {
      Gateway.run(config);
      return 0;
    } catch (Exception e) {
      LOG.error("gateway failed site={} gateway={}", config.site(), config.gatewayId(), e);
      return TrustBridgeCli.EXIT_FAILURE;
    }
  }
}
