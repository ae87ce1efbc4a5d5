package dev.trustbridge.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A JVM the harness starts on its own class path (a simulator, the gateway, the bare pipeline),
 * with its output in a log file, and the operating system's accounting of it: CPU time and resident
 * memory from {@code /proc}.
 */
final class JavaProcess implements AutoCloseable {

  /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on every Linux the JDK runs on. */
  private static final long CLOCK_TICKS = 100;

  private final String name;
  private final Process process;
  private final Path log;
  private final Instant started;

  private JavaProcess(String name, Process process, Path log, Instant started) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.started = started;
  }

  /** Starts {@code mainClass} with {@code jvmOptions} and {@code arguments}. */
  static JavaProcess start(
      String name, List<String> jvmOptions, String mainClass, List<String> arguments, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(arguments);
    Files.createDirectories(log.getParent());
    Instant started = Instant.now();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new JavaProcess(name, process, log, started);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Instant started() {
    return started;
  }

  Path log() {
    return log;
  }

  /**
   * Waits until the output has {@code count} lines matching {@code line}, and returns them.
   *
   * @throws IllegalStateException if the process ends or the time runs out first, with the end of
   *     its log
   */
  List<String> awaitLines(Predicate<String> line, int count, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      List<String> matching = output().stream().filter(line).toList();
      if (matching.size() >= count) {
        return matching;
      }
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            name
                + (process.isAlive() ? " did not get ready in " + timeout : " ended")
                + "; the end of its log "
                + log
                + ":\n"
                + tail(20));
      }
      Thread.sleep(100);
    }
  }

  /** Fails with the end of the log if the process has ended. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name
              + " ended with exit code "
              + process.exitValue()
              + "; its log "
              + log
              + ":\n"
              + tail(20));
    }
  }

  List<String> output() {
    try {
      return Files.readAllLines(log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of " + name, e);
    }
  }

  String tail(int lines) {
    List<String> all = output();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** User plus system CPU time the process has used so far, from {@code /proc/<pid>/stat}. */
  Duration cpuTime() {
    return cpuTimeOf(process.pid());
  }

  /** User plus system CPU time of any process of this machine, such as the harness itself. */
  static Duration cpuTimeOf(long pid) {
    return Duration.ofMillis(ticks(readProc(pid, "stat")) * 1000 / CLOCK_TICKS);
  }

  /**
   * CPU time the process's JIT compiler threads have used so far: while it grows, the process has
   * not reached its steady state.
   */
  Duration compilerCpuTime() {
    Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
    long ticks = 0;
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : threads.toList()) {
        String stat = readThreadStat(thread);
        // HotSpot names them "C1 CompilerThreadN" and "C2 CompilerThreadN" (cut to 15 characters)
        if (stat.contains("(C1 CompilerThre") || stat.contains("(C2 CompilerThre")) {
          ticks += ticks(stat);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("process " + process.pid() + " has ended", e);
    }
    return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS);
  }

  /** User plus system clock ticks of a {@code stat} line of a process or a thread. */
  private static long ticks(String stat) {
    // the command name may contain spaces: fields are counted after its closing parenthesis
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static String readThreadStat(Path thread) {
    try {
      return Files.readString(thread.resolve("stat"));
    } catch (IOException e) {
      return "()"; // the thread ended between listing and reading
    }
  }

  /** The resident set now, in bytes ({@code VmRSS}). */
  long residentBytes() {
    return statusKilobytes("VmRSS:") * 1024;
  }

  /** The largest resident set so far, in bytes ({@code VmHWM}). */
  long peakResidentBytes() {
    return statusKilobytes("VmHWM:") * 1024;
  }

  private long statusKilobytes(String field) {
    Optional<String> line =
        readProc(process.pid(), "status").lines().filter(l -> l.startsWith(field)).findFirst();
    return Long.parseLong(
        line.orElseThrow(() -> new IllegalStateException(field + " missing for " + name))
            .substring(field.length())
            .replace("kB", "")
            .strip());
  }

  private static String readProc(long pid, String file) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), file));
    } catch (IOException e) {
      throw new UncheckedIOException("process " + pid + " has ended", e);
    }
  }

  /** Asks the process to stop (SIGTERM) and waits for it; kills it after 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
