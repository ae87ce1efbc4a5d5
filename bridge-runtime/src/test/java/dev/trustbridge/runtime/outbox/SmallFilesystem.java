package dev.trustbridge.runtime.outbox;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A tmpfs of a fixed size mounted over a test directory, so that a disk really fills up. Mounting
 * needs root (CAP_SYS_ADMIN): a developer machine without it skips the test; with {@code CI=true}
 * it fails instead.
 */
final class SmallFilesystem implements AutoCloseable {

  private final Path directory;

  private SmallFilesystem(Path directory) {
    this.directory = directory;
  }

  static SmallFilesystem mount(Path directory, String size) throws Exception {
    String error = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", directory.toString());
    if (error != null) {
      String message =
          "cannot mount a " + size + " tmpfs on " + directory + " (needs root): " + error;
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    return new SmallFilesystem(directory);
  }

  /** Gives the filesystem a new size, as an operator freeing or adding space would. */
  void resize(String size) throws Exception {
    String error = run("mount", "-o", "remount,size=" + size, directory.toString());
    if (error != null) {
      fail("cannot resize the tmpfs on " + directory + ": " + error);
    }
  }

  @Override
  public void close() throws Exception {
    if (run("umount", directory.toString()) != null) {
      run("umount", "-l", directory.toString());
    }
  }

  /** Runs a command; null when it succeeded, else what it said. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    } catch (IOException e) {
      return e.getMessage();
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return "timed out";
    }
    return process.exitValue() == 0 ? null : output.strip() + " (exit " + process.exitValue() + ")";
  }
}
