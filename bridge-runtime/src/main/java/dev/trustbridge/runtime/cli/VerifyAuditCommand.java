package dev.trustbridge.runtime.cli;

import dev.trustbridge.trust.audit.AuditVerifier;
import dev.trustbridge.trust.audit.AuditVerifier.Report;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trustbridge verify audit}: checks a gateway's audit log files, oldest first, for modified,
 * deleted, inserted or truncated lines and bad checkpoints. Exit 0 only when intact.
 */
@Command(
    name = "audit",
    description =
        "Verify audit log files (oldest first: audit-*.log, then audit.log) against the fleet CA.")
final class VerifyAuditCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--trust-root",
      required = true,
      paramLabel = "PEM",
      description = "The fleet CA certificate(s).")
  private Path trustRoot;

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description = "The newest checkpoint published on $audit, to detect a truncated log.")
  private Path checkpoint;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit log files, oldest first.")
  private List<Path> files;

  @Override
  public Integer call() throws Exception {
    Report report =
        new AuditVerifier(EnvelopeVerifier.create(KeysCommand.readChain(trustRoot)))
            .verify(
                files,
                checkpoint == null
                    ? Optional.empty()
                    : Optional.of(Files.readAllBytes(checkpoint)));
    PrintWriter out = spec.commandLine().getOut();
    report.problems().forEach(out::println);
    out.println(
        (report.intact() ? "INTACT " : "TAMPERED ")
            + report.lines()
            + " lines, "
            + report.checkpoints()
            + " signed checkpoints, "
            + report.unsigned()
            + " lines after the last checkpoint");
    return report.intact() ? 0 : TrustBridgeCli.EXIT_FAILURE;
  }
}
