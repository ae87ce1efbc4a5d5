package dev.trustbridge.trust.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.SignedStatement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks audit log files written by {@link AuditLog}, in order: every line's {@code seq} follows
 * the one before and its {@code prev} is the hash of the line before (a modified, deleted or
 * inserted line breaks this), every checkpoint is signed by the gateway over exactly the chain
 * before it, and, given the newest checkpoint published on {@code $audit}, that the files are not
 * truncated before it. Lines after the last checkpoint are reported as not yet signed.
 */
public final class AuditVerifier {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final EnvelopeVerifier statements;

  /**
   * @param statements a verifier that trusts the fleet CA
   */
  public AuditVerifier(EnvelopeVerifier statements) {
    this.statements = statements;
  }

  /**
   * The outcome.
   *
   * @param problems each break of the chain or bad checkpoint, with file and line
   * @param lines how many lines were read
   * @param checkpoints how many valid checkpoints were found
   * @param unsigned how many lines follow the last valid checkpoint
   */
  public record Report(List<String> problems, long lines, long checkpoints, long unsigned) {
    public Report {
      problems = List.copyOf(problems);
    }

    /** Whether nothing is wrong. */
    public boolean intact() {
      return problems.isEmpty();
    }
  }

  /**
   * Checks the files, oldest first.
   *
   * @param published the newest checkpoint statement seen on {@code $audit}, if any
   */
  public Report verify(List<Path> files, Optional<byte[]> published) throws IOException {
    List<String> problems = new ArrayList<>();
    long expectedSeq = 0;
    String prev = null;
    long lines = 0;
    long checkpoints = 0;
    long unsigned = 0;
    long lastSeq = 0;
    List<String> checkpointStatements = new ArrayList<>();
    for (Path file : files) {
      List<String> content = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < content.size(); i++) {
        String where = file.getFileName() + ":" + (i + 1) + ": ";
        String line = content.get(i);
        lines++;
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          problems.add(where + "not a JSON line");
          prev = AuditLog.hash(line);
          continue;
        }
        long seq = node.path("seq").asLong(-1);
        if (expectedSeq == 0 && prev == null) {
          if (seq != 1 || !node.path("prev").asText().isEmpty()) {
            problems.add(
                where + "the log starts at seq " + seq + ", not 1: earlier lines are missing");
          }
        } else if (seq != expectedSeq) {
          problems.add(
              where
                  + "seq "
                  + seq
                  + " follows seq "
                  + (expectedSeq - 1)
                  + ": lines deleted or inserted");
        }
        if (prev != null && !node.path("prev").asText().equals(prev)) {
          problems.add(
              where
                  + "prev is not the hash of the line before: modified, deleted or inserted lines");
        }
        if ("checkpoint".equals(node.path("type").asText())) {
          Optional<String> bad = checkpointProblem(node, seq, prev == null ? "" : prev);
          if (bad.isPresent()) {
            problems.add(where + "bad checkpoint: " + bad.get());
          } else {
            checkpoints++;
            unsigned = 0;
            checkpointStatements.add(node.path("statement").asText());
          }
        } else {
          unsigned++;
        }
        lastSeq = seq;
        expectedSeq = seq + 1;
        prev = AuditLog.hash(line);
      }
    }
    if (published.isPresent()) {
      String statement = new String(published.get(), StandardCharsets.UTF_8);
      if (!checkpointStatements.contains(statement)) {
        long publishedSeq = publishedSeq(published.get());
        problems.add(
            publishedSeq > lastSeq
                ? "truncated: the published checkpoint at seq "
                    + publishedSeq
                    + " is beyond the end of the log (last seq "
                    + lastSeq
                    + ")"
                : "the published checkpoint at seq " + publishedSeq + " is not in the log");
      }
    }
    return new Report(problems, lines, checkpoints, unsigned);
  }

  private Optional<String> checkpointProblem(JsonNode node, long seq, String prev) {
    SignedStatement statement;
    try {
      statement =
          statements.verifyStatement(
              node.path("statement").asText().getBytes(StandardCharsets.UTF_8),
              AuditLog.CHECKPOINT_TYPE);
    } catch (EnvelopeException e) {
      return Optional.of(e.getMessage());
    }
    JsonNode payload;
    try {
      payload = JSON.readTree(statement.payload());
    } catch (IOException e) {
      return Optional.of("its payload is not JSON");
    }
    if (payload.path("seq").asLong() != seq || !payload.path("head").asText().equals(prev)) {
      return Optional.of("it signs seq " + payload.path("seq").asLong() + " over another chain");
    }
    return Optional.empty();
  }

  private static long publishedSeq(byte[] statement) {
    try {
      JsonNode jws = JSON.readTree(statement);
      byte[] payload = java.util.Base64.getUrlDecoder().decode(jws.path("payload").asText());
      return JSON.readTree(payload).path("seq").asLong();
    } catch (IOException | IllegalArgumentException e) {
      return -1;
    }
  }
}
