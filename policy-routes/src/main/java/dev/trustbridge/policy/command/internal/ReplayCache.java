package dev.trustbridge.policy.command.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command ids seen while their commands could still be executed, on disk so that a restart does
 * not forget them. One line per id, {@code <exp seconds> <id>}, appended and forced to disk before
 * the command runs; ids whose command has expired are dropped when the file is opened.
 */
public final class ReplayCache implements AutoCloseable {

  private final Path file;
  private final Clock clock;
  private final Map<String, Instant> seen = new HashMap<>();
  private FileChannel channel;

  private ReplayCache(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /**
   * Opens the cache in {@code file}, keeping the ids whose commands have not expired.
   *
   * @throws IOException if the file cannot be read or rewritten
   */
  public static ReplayCache open(Path file, Clock clock) throws IOException {
    ReplayCache cache = new ReplayCache(file, clock);
    cache.load();
    return cache;
  }

  private void load() throws IOException {
    Instant now = clock.instant();
    if (Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        int space = line.indexOf(' ');
        // a torn last line after a crash is the only line that may be incomplete
        if (space < 0 && i == lines.size() - 1) {
          continue;
        }
        try {
          Instant expires = Instant.ofEpochSecond(Long.parseLong(line.substring(0, space)));
          if (expires.isAfter(now)) {
            seen.put(line.substring(space + 1), expires);
          }
        } catch (RuntimeException e) {
          throw new IOException(file + ":" + (i + 1) + ": not '<exp> <id>': " + line, e);
        }
      }
    }
    Path fresh = file.resolveSibling(file.getFileName() + ".new");
    StringBuilder text = new StringBuilder();
    seen.forEach(
        (id, expires) -> text.append(expires.getEpochSecond()).append(' ').append(id).append('\n'));
    Files.writeString(fresh, text, StandardCharsets.UTF_8);
    try (FileChannel sync = FileChannel.open(fresh, StandardOpenOption.WRITE)) {
      sync.force(true);
    }
    Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /**
   * Records the id unless it was seen, on disk before returning.
   *
   * @return false if the id was seen before
   * @throws UncheckedIOException if the id cannot be stored: the command must not run then
   */
  public synchronized boolean firstSeen(String id, Instant expires) {
    Instant now = clock.instant();
    seen.values().removeIf(e -> !e.isAfter(now));
    if (seen.containsKey(id)) {
      return false;
    }
    try {
      channel.write(
          ByteBuffer.wrap(
              (expires.getEpochSecond() + " " + id + "\n").getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record command id in " + file, e);
    }
    seen.put(id, expires);
    return true;
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }
}
