package dev.trustbridge.runtime.cli;

import dev.trustbridge.runtime.config.ConfigException;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.outbox.OutboxException;
import dev.trustbridge.runtime.outbox.OutboxStatus;
import dev.trustbridge.runtime.outbox.OutboxStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbridge outbox status}: what each uplink's outbox holds and has done. */
@Command(
    name = "outbox",
    description = "Inspect the durable outbox of a gateway.",
    subcommands = {OutboxCommand.Status.class})
final class OutboxCommand {

  /** Prints depth, bytes, oldest age, deliveries, drops and tamper rejections per uplink. */
  @Command(
      name = "status",
      description =
          "Print what each uplink's outbox holds and has done; reads the store without"
              + " stopping a running gateway.")
  static final class Status implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    private Where where;

    static final class Where {
      @Option(
          names = {"-c", "--config"},
          paramLabel = "DIR",
          description = "Configuration directory; its envelopes.stateDirectory holds the store.")
      private Path configDirectory;

      @Option(
          names = "--state",
          paramLabel = "DIR",
          description = "The state directory itself (default: state/ in the configuration).")
      private Path stateDirectory;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Path state = where.stateDirectory;
      if (state == null) {
        try {
          state =
              new ConfigLoader(System.getenv())
                  .load(where.configDirectory)
                  .envelopes()
                  .stateDirectory();
        } catch (ConfigException e) {
          err.println("trustbridge: " + e.getMessage());
          return TrustBridgeCli.EXIT_CONFIG;
        }
      }
      List<OutboxStatus> status;
      try {
        status = OutboxStore.readStatus(state, Clock.systemUTC());
      } catch (OutboxException e) {
        err.println("trustbridge: " + e.getMessage());
        return TrustBridgeCli.EXIT_FAILURE;
      }
      out.println("outbox " + state.toAbsolutePath().resolve(OutboxStore.FILE_NAME));
      out.printf(
          "%-16s %9s %11s %10s %11s %-24s %s%n",
          "uplink", "waiting", "bytes", "oldest", "delivered", "dropped", "tamper-rejected");
      for (OutboxStatus uplink : status) {
        out.printf(
            "%-16s %9d %11s %10s %11d %-24s %d%n",
            uplink.uplink(),
            uplink.depth(),
            bytes(uplink.bytes()),
            uplink.oldestAge().map(Status::age).orElse("-"),
            uplink.delivered(),
            uplink.dropped().isEmpty()
                ? "0"
                : uplink.dropped().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(",")),
            uplink.tamperRejected());
      }
      return 0;
    }

    private static String bytes(long bytes) {
      if (bytes < 1024) {
        return bytes + " B";
      }
      if (bytes < 1024 * 1024) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
      }
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static String age(Duration age) {
      if (age.toSeconds() < 120) {
        return String.format(Locale.ROOT, "%.1f s", age.toMillis() / 1000.0);
      }
      if (age.toMinutes() < 120) {
        return age.toMinutes() + " min";
      }
      return age.toHours() + " h";
    }
  }
}
