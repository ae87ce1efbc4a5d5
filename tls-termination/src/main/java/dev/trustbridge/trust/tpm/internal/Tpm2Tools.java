package dev.trustbridge.trust.tpm.internal;

import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs tpm2-tools commands against one TPM connection: the TCTI given, or tpm2-tools' default
 * ({@code TPM2TOOLS_TCTI}, else the kernel resource manager). Secrets pass through pipes; a failed
 * command's error output is in the exception, which names the tool and the TCTI.
 */
public final class Tpm2Tools {

  private static final long TOOL_TIMEOUT_SECONDS = 60;

  private final Optional<String> tcti;

  public Tpm2Tools(Optional<String> tcti) {
    this.tcti = tcti;
  }

  /** What the TPM connection is, for messages. */
  public String describe() {
    return tcti.map(value -> "TPM (TCTI " + value + ")").orElse("TPM");
  }

  /**
   * Runs one tool with {@code input} on its standard input.
   *
   * @return its standard output
   * @throws VaultException {@code BACKEND_UNAVAILABLE} if the tool is missing or hangs, {@code
   *     OPERATION_FAILED} if it fails
   */
  public byte[] run(byte[] input, String tool, String... arguments) throws VaultException {
    List<String> command = new ArrayList<>();
    command.add(tool);
    tcti.ifPresent(value -> command.add("--tcti=" + value));
    command.addAll(List.of(arguments));
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new VaultException(
          Reason.BACKEND_UNAVAILABLE,
          tool + " cannot be run (install tpm2-tools): " + e.getMessage(),
          e);
    }
    CompletableFuture<byte[]> stdout = drain(process.getInputStream());
    CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      in.write(input);
    } catch (IOException e) {
      // the tool exited before reading its input; its exit status says why
    }
    try {
      if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new VaultException(
            Reason.BACKEND_UNAVAILABLE,
            tool + " did not finish within " + TOOL_TIMEOUT_SECONDS + " s on the " + describe());
      }
      if (process.exitValue() != 0) {
        throw new VaultException(
            Reason.OPERATION_FAILED,
            tool
                + " failed with status "
                + process.exitValue()
                + " on the "
                + describe()
                + ": "
                + new String(stderr.join(), StandardCharsets.UTF_8).strip());
      }
      return stdout.join();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new VaultException(Reason.OPERATION_FAILED, tool + " was interrupted", e);
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** A new owner-only directory under {@code parent} for the files of some tool runs. */
  public static Path workDirectory(Path parent, String prefix) throws VaultException {
    try {
      Files.createDirectories(parent);
      return Files.createTempDirectory(
          parent,
          prefix,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED,
          "cannot create a working directory in " + parent + ": " + e.getMessage(),
          e);
    }
  }

  /** Deletes a work directory; what it holds is TPM contexts and public or TPM-wrapped parts. */
  public static void delete(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(Tpm2Tools::deleteQuietly);
    } catch (IOException e) {
      // nothing secret is in it
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // see delete
    }
  }
}
