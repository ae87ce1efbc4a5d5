package dev.trustbridge.trust.envelope.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeException.Reason;
import dev.trustbridge.trust.envelope.StreamStateStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The stream state in one JSON file:
 *
 * <pre>{@code
 * {"v":1,"site":"plant-a","gateway":"gw-01","epoch":3,
 *  "streams":{"plc-1":{"seq":42,"hash":"<base64url>"}}}
 * }</pre>
 *
 * Each save writes {@code <file>.tmp}, forces it to disk, renames it over the file atomically and
 * forces the directory, so the file is always either the old or the new state. Advances are written
 * in groups: whichever thread writes stores every position advanced so far, so devices that sign in
 * parallel share one write instead of queueing one each.
 */
public final class FileStreamStateStore implements StreamStateStore {

  private static final long VERSION = 1;
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final Path file;
  private final Path temporary;
  private final Path directory;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private final Object stateLock = new Object();
  // guarded by stateLock: the newest state, and how many changes it has seen
  private State state;
  private long version;

  private final Object writeLock = new Object();
  // guarded by writeLock
  private long durableVersion;

  private FileStreamStateStore(Path file, FileChannel lockChannel, FileLock lock) {
    this.file = file;
    this.directory = file.getParent();
    this.temporary = file.resolveSibling(file.getFileName() + ".tmp");
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** See {@link StreamStateStore#file(Path)}. */
  public static FileStreamStateStore open(Path file) throws EnvelopeException {
    Path absolute = file.toAbsolutePath();
    Path lockFile = absolute.resolveSibling(absolute.getFileName() + ".lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(absolute.getParent());
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new OverlappingFileLockException();
      }
      return new FileStreamStateStore(absolute, channel, lock);
    } catch (OverlappingFileLockException e) {
      throw closing(
          channel,
          new EnvelopeException(
              Reason.STATE_STORE,
              "stream state " + absolute + " is in use by another signer (lock " + lockFile + ")"));
    } catch (IOException e) {
      throw closing(
          channel,
          new EnvelopeException(
              Reason.STATE_STORE,
              "cannot lock stream state " + absolute + ": " + e.getMessage(),
              e));
    }
  }

  private static EnvelopeException closing(FileChannel channel, EnvelopeException failure) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
    return failure;
  }

  @Override
  public Optional<State> load() throws EnvelopeException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new EnvelopeException(
          Reason.STATE_STORE, "cannot read stream state " + file + ": " + e.getMessage(), e);
    }
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("it is not a JSON object");
      }
      if (number(root, "v") != VERSION) {
        throw new IllegalArgumentException("version " + root.get("v") + " is not " + VERSION);
      }
      Map<String, Position> streams = new TreeMap<>();
      JsonNode node = root.get("streams");
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("'streams' is not an object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> stream = it.next();
        streams.put(
            stream.getKey(),
            new Position(number(stream.getValue(), "seq"), text(stream.getValue(), "hash")));
      }
      return Optional.of(
          new State(text(root, "site"), text(root, "gateway"), number(root, "epoch"), streams));
    } catch (IOException | IllegalArgumentException e) {
      throw new EnvelopeException(
          Reason.STATE_STORE,
          "stream state "
              + file
              + " is unreadable: "
              + e.getMessage()
              + "; restore it from a backup, as starting afresh would reuse sequence numbers",
          e);
    }
  }

  private static long number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IllegalArgumentException("'" + field + "' is not an integer");
    }
    return value.longValue();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' is not a string");
    }
    return value.textValue();
  }

  @Override
  public void save(State state) throws EnvelopeException {
    long mine;
    synchronized (stateLock) {
      this.state = state;
      mine = ++version;
    }
    writeUpTo(mine);
  }

  @Override
  public void advance(String device, Position position) throws EnvelopeException {
    long mine;
    synchronized (stateLock) {
      if (state == null) {
        throw new IllegalStateException("advance before the state was saved in " + file);
      }
      Map<String, Position> streams = new TreeMap<>(state.streams());
      streams.put(device, position);
      state = new State(state.site(), state.gateway(), state.epoch(), streams);
      mine = ++version;
    }
    writeUpTo(mine);
  }

  private void writeUpTo(long mine) throws EnvelopeException {
    synchronized (writeLock) {
      if (durableVersion >= mine) {
        return;
      }
      State snapshot;
      long snapshotVersion;
      synchronized (stateLock) {
        snapshot = state;
        snapshotVersion = version;
      }
      write(snapshot);
      durableVersion = snapshotVersion;
    }
  }

  private void write(State state) throws EnvelopeException {
    try {
      byte[] bytes = serialize(state);
      try (FileChannel out =
          FileChannel.open(
              temporary,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      // the rename is durable only once the directory entry is on disk
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new EnvelopeException(
          Reason.STATE_STORE,
          "cannot write stream state " + file + " durably: " + e.getMessage(),
          e);
    }
  }

  private static byte[] serialize(State state) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 80 * state.streams().size());
    try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("v", VERSION);
      json.writeStringField("site", state.site());
      json.writeStringField("gateway", state.gateway());
      json.writeNumberField("epoch", state.epoch());
      json.writeObjectFieldStart("streams");
      for (Map.Entry<String, Position> stream : new TreeMap<>(state.streams()).entrySet()) {
        json.writeObjectFieldStart(stream.getKey());
        json.writeNumberField("seq", stream.getValue().seq());
        json.writeStringField("hash", stream.getValue().hash());
        json.writeEndObject();
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock of " + file, e);
    }
  }

  @Override
  public String toString() {
    return "FileStreamStateStore[" + file + "]";
  }
}
