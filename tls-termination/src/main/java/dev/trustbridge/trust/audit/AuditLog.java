package dev.trustbridge.trust.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.SessionKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A tamper-evident audit log: one JSON line per security event, each carrying the hash of the line
 * before it, and every {@code checkpointEvery} events or {@code checkpointInterval} a checkpoint
 * line whose {@code statement} is signed by the gateway's session key over the hash of the line
 * before it, so that the chain up to there cannot be rewritten without the key:
 *
 * <pre>{@code
 * {"seq":12,"time":"…Z","type":"command","prev":"<base64url SHA-256 of line 11>","fields":{…}}
 * {"seq":13,"time":"…Z","type":"checkpoint","prev":"…","statement":"<JWS tb-audit-checkpoint+jws>"}
 * }</pre>
 *
 * A rotated file is renamed with its first sequence number and the chain continues in a new file,
 * so verifying the files in order checks the whole history. Each line is forced to disk before
 * {@link #record} returns; each checkpoint is also handed to a publisher (the gateway publishes it
 * on {@code $audit}).
 */
public final class AuditLog implements AutoCloseable {

  /** The {@code typ} of a checkpoint statement. */
  public static final String CHECKPOINT_TYPE = "tb-audit-checkpoint+jws";

  /** The name of the current file. */
  public static final String FILE = "audit.log";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path directory;
  private final SessionKeys keys;
  private final Clock clock;
  private final int checkpointEvery;
  private final Duration checkpointInterval;
  private final long rotateBytes;
  private final Consumer<byte[]> publisher;
  private FileChannel out;
  private long seq;
  private String prev;
  private long sinceCheckpoint;
  private Instant lastCheckpoint;

  private AuditLog(
      Path directory,
      SessionKeys keys,
      Clock clock,
      int checkpointEvery,
      Duration checkpointInterval,
      long rotateBytes,
      Consumer<byte[]> publisher) {
    this.directory = directory;
    this.keys = keys;
    this.clock = clock;
    this.checkpointEvery = checkpointEvery;
    this.checkpointInterval = checkpointInterval;
    this.rotateBytes = rotateBytes;
    this.publisher = publisher;
  }

  /**
   * Opens the log in {@code directory}, continuing the chain of its last line.
   *
   * @param publisher told each checkpoint statement (JWS bytes); must not block
   * @throws IOException if the directory or the current file cannot be read or opened
   */
  public static AuditLog open(
      Path directory,
      SessionKeys keys,
      Clock clock,
      int checkpointEvery,
      Duration checkpointInterval,
      long rotateBytes,
      Consumer<byte[]> publisher)
      throws IOException {
    Files.createDirectories(directory);
    AuditLog log =
        new AuditLog(
            directory, keys, clock, checkpointEvery, checkpointInterval, rotateBytes, publisher);
    log.resume();
    return log;
  }

  private void resume() throws IOException {
    Path file = directory.resolve(FILE);
    seq = 0;
    prev = "";
    Path last = file;
    if (!Files.exists(file) || Files.size(file) == 0) {
      // after a rotation the chain continues from the newest rotated file
      try (var files = Files.list(directory)) {
        last =
            files
                .filter(p -> p.getFileName().toString().matches("audit-\\d+\\.log"))
                .max(Comparator.comparing(p -> p.getFileName().toString()))
                .orElse(file);
      }
    }
    if (Files.exists(last)) {
      List<String> lines = Files.readAllLines(last, StandardCharsets.UTF_8);
      if (!lines.isEmpty()) {
        String line = lines.get(lines.size() - 1);
        seq = JSON.readTree(line).path("seq").asLong();
        prev = hash(line);
      }
    }
    out =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    lastCheckpoint = clock.instant();
  }

  /**
   * Appends one event, durably, and a checkpoint when one is due.
   *
   * @param type what happened, such as {@code start}, {@code command}, {@code drift}
   * @param fields its details; values are written as strings
   */
  public synchronized void record(String type, Map<String, String> fields) {
    try {
      write(line(type, fields, null));
      sinceCheckpoint++;
      if (sinceCheckpoint >= checkpointEvery
          || Duration.between(lastCheckpoint, clock.instant()).compareTo(checkpointInterval) >= 0) {
        checkpoint();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "audit log " + directory.resolve(FILE) + " cannot be written", e);
    }
  }

  /** Writes a checkpoint now, signed over the chain so far. */
  public synchronized void checkpoint() {
    try {
      Instant time = clock.instant();
      byte[] statement = keys.signStatement(CHECKPOINT_TYPE, statementPayload(time, seq + 1, prev));
      write(line("checkpoint", Map.of(), new String(statement, StandardCharsets.UTF_8), time));
      sinceCheckpoint = 0;
      lastCheckpoint = time;
      publisher.accept(statement);
      if (out.size() >= rotateBytes) {
        rotate();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "audit log " + directory.resolve(FILE) + " cannot be written", e);
    } catch (EnvelopeException e) {
      throw new IllegalStateException("audit checkpoint cannot be signed: " + e.getMessage(), e);
    }
  }

  private byte[] statementPayload(Instant time, long checkpointSeq, String head) {
    Map<String, Object> payload = new TreeMap<>();
    payload.put("site", keys.site());
    payload.put("gateway", keys.gateway());
    payload.put("time", time.toString());
    payload.put("seq", checkpointSeq);
    payload.put("head", head);
    try {
      return JSON.writeValueAsBytes(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String line(String type, Map<String, String> fields, String statement)
      throws IOException {
    return line(type, fields, statement, clock.instant());
  }

  private String line(String type, Map<String, String> fields, String statement, Instant time)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.getFactory().createGenerator(bytes)) {
      json.writeStartObject();
      json.writeNumberField("seq", seq + 1);
      json.writeStringField("time", time.toString());
      json.writeStringField("type", type);
      json.writeStringField("prev", prev);
      if (statement != null) {
        json.writeStringField("statement", statement);
      } else {
        json.writeObjectFieldStart("fields");
        for (Map.Entry<String, String> field : new TreeMap<>(fields).entrySet()) {
          json.writeStringField(field.getKey(), field.getValue());
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private void write(String line) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
    out.force(false);
    seq++;
    prev = hash(line);
  }

  private void rotate() throws IOException {
    out.close();
    Path current = directory.resolve(FILE);
    String first =
        Files.lines(current)
            .findFirst()
            .map(
                l -> {
                  try {
                    return JSON.readTree(l).path("seq").asText();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })
            .orElse("0");
    Files.move(current, directory.resolve(String.format("audit-%012d.log", Long.parseLong(first))));
    out =
        FileChannel.open(
            current,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
  }

  /** The base64url SHA-256 of a line's UTF-8 bytes, without its line feed. */
  static String hash(String line) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Writes a checkpoint if events were recorded since the last one. */
  public synchronized void checkpointIfPending() {
    if (sinceCheckpoint > 0) {
      checkpoint();
    }
  }

  /** Writes a final checkpoint and closes the file. */
  @Override
  public synchronized void close() {
    try {
      checkpointIfPending();
    } finally {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
