package dev.trustbridge.trust.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.trust.audit.AuditVerifier.Report;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.envelope.TestGateway;
import dev.trustbridge.trust.envelope.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log's chain and signed checkpoints, and each kind of tampering the verifier must find:
 * a modified, deleted or inserted line, a truncated log, a forged checkpoint; rotation keeps the
 * chain.
 */
class AuditLogTest {

  @TempDir Path directory;
  @TempDir Path keys;
  private TestPki pki;
  private final List<byte[]> published = new ArrayList<>();

  @BeforeEach
  void pki() {
    pki = TestPki.create(Instant.now());
  }

  @Test
  void untouchedLog_isIntact_withEveryCheckpointSigned() throws Exception {
    write(25, 10, Long.MAX_VALUE);

    Report report = verify(Optional.of(last(published)));

    assertThat(report.problems()).isEmpty();
    assertThat(report.lines()).isEqualTo(28);
    assertThat(report.checkpoints()).isEqualTo(3);
    assertThat(report.unsigned()).isZero();
  }

  @Test
  void modifiedLine_isFoundAtTheLineAfterIt() throws Exception {
    write(12, 100, Long.MAX_VALUE);
    List<String> lines = lines();
    lines.set(4, lines.get(4).replace("\"value-5\"", "\"value-x\""));
    Files.write(directory.resolve(AuditLog.FILE), lines);

    assertThat(verify(Optional.empty()).problems())
        .containsExactly(
            "audit.log:6: prev is not the hash of the line before: modified, deleted or inserted lines");
  }

  @Test
  void deletedAndInsertedLines_areFound() throws Exception {
    write(12, 100, Long.MAX_VALUE);
    List<String> lines = lines();
    lines.remove(6);
    Files.write(directory.resolve(AuditLog.FILE), lines);
    assertThat(verify(Optional.empty()).problems())
        .anyMatch(p -> p.startsWith("audit.log:7: seq 8 follows seq 6"));

    write(12, 100, Long.MAX_VALUE);
    List<String> again = lines();
    again.add(3, again.get(3));
    Files.write(directory.resolve(AuditLog.FILE), again);
    assertThat(verify(Optional.empty()).problems())
        .anyMatch(p -> p.startsWith("audit.log:5: seq 4 follows seq 4"));
  }

  @Test
  void truncatedLog_isFoundAgainstThePublishedCheckpoint() throws Exception {
    write(12, 5, Long.MAX_VALUE);
    List<String> lines = lines();
    Files.write(directory.resolve(AuditLog.FILE), lines.subList(0, lines.size() - 3));

    assertThat(verify(Optional.of(last(published))).problems())
        .singleElement()
        .asString()
        .startsWith("truncated: the published checkpoint at seq ");
  }

  @Test
  void checkpointSignedByAnotherFleet_isBad() throws Exception {
    write(4, 100, Long.MAX_VALUE);
    Path forger = Files.createDirectories(keys.resolve("forger"));
    TestPki otherFleet = TestPki.create(Instant.now());
    List<String> lines = lines();
    String last = lines.get(lines.size() - 1);
    try (TestGateway gateway = TestGateway.enrolled(forger, otherFleet);
        SessionKeys sessionKeys = SessionKeys.start(gateway.identity())) {
      List<byte[]> forged = new ArrayList<>();
      try (AuditLog log =
          AuditLog.open(
              Files.createDirectories(keys.resolve("forged-log")),
              sessionKeys,
              Clock.systemUTC(),
              100,
              Duration.ofHours(1),
              Long.MAX_VALUE,
              forged::add)) {
        log.checkpoint();
      }
      String statement = new String(forged.get(0), StandardCharsets.UTF_8);
      String original =
          last.substring(last.indexOf("\"statement\":\"") + 13, last.lastIndexOf('"'));
      lines.set(lines.size() - 1, last.replace(original, statement.replace("\"", "\\\"")));
    }
    Files.write(directory.resolve(AuditLog.FILE), lines);

    assertThat(verify(Optional.empty()).problems())
        .singleElement()
        .asString()
        .contains("bad checkpoint")
        .contains("rejected");
  }

  @Test
  void rotatedFilesAndReopening_keepOneChain() throws Exception {
    write(30, 4, 2_000);
    write(5, 4, 2_000);

    List<Path> files;
    try (Stream<Path> listed = Files.list(directory)) {
      files = listed.sorted((a, b) -> order(a).compareTo(order(b))).toList();
    }
    assertThat(files.size()).isGreaterThan(2);
    Report report =
        new AuditVerifier(EnvelopeVerifier.create(List.of(pki.root())))
            .verify(files, Optional.of(last(published)));
    assertThat(report.problems()).isEmpty();
  }

  /** Rotated files by their first sequence number, the current file last. */
  private static String order(Path file) {
    String name = file.getFileName().toString();
    return name.equals(AuditLog.FILE) ? "z" : name;
  }

  private void write(int events, int checkpointEvery, long rotateBytes) throws Exception {
    Path keyDirectory = Files.createTempDirectory(keys, "gw");
    try (TestGateway gateway = TestGateway.enrolled(keyDirectory, pki);
        SessionKeys sessionKeys = SessionKeys.start(gateway.identity());
        AuditLog log =
            AuditLog.open(
                directory,
                sessionKeys,
                Clock.systemUTC(),
                checkpointEvery,
                Duration.ofHours(1),
                rotateBytes,
                published::add)) {
      for (int i = 1; i <= events; i++) {
        log.record("command", Map.of("id", "c-" + i, "value", "value-" + i));
      }
    }
  }

  private List<String> lines() throws Exception {
    return new ArrayList<>(Files.readAllLines(directory.resolve(AuditLog.FILE)));
  }

  private Report verify(Optional<byte[]> checkpoint) throws Exception {
    return new AuditVerifier(EnvelopeVerifier.create(List.of(pki.root())))
        .verify(List.of(directory.resolve(AuditLog.FILE)), checkpoint);
  }

  private static byte[] last(List<byte[]> statements) {
    return statements.get(statements.size() - 1);
  }
}
