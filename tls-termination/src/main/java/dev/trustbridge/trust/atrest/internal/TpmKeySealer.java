package dev.trustbridge.trust.atrest.internal;

import dev.trustbridge.trust.atrest.KeySealer;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
 * Seals secrets with tpm2-tools: {@code tpm2_create} makes a sealed data object under the primary
 * key that {@code tpm2_createprimary} derives from the owner hierarchy's seed (the same template
 * gives the same key every time, so nothing of it is stored), and {@code tpm2_load} + {@code
 * tpm2_unseal} recover it. The stored form is the object's public and TPM-encrypted private part,
 * which no other TPM can load. Secrets pass through pipes, never through files.
 */
public final class TpmKeySealer implements KeySealer {

  private static final long TOOL_TIMEOUT_SECONDS = 60;

  private final Optional<String> tcti;
  private final Path workDirectory;

  public TpmKeySealer(Optional<String> tcti, Path workDirectory) {
    this.tcti = tcti;
    this.workDirectory = workDirectory;
  }

  @Override
  public byte[] seal(byte[] secret) throws VaultException {
    Path work = temporaryDirectory();
    try {
      createPrimary(work);
      Path pub = work.resolve("sealed.pub");
      Path priv = work.resolve("sealed.priv");
      run(
          secret,
          "tpm2_create",
          "-Q",
          "-C",
          work.resolve("primary.ctx").toString(),
          "-g",
          "sha256",
          "-i",
          "-",
          "-u",
          pub.toString(),
          "-r",
          priv.toString());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        for (Path part : List.of(pub, priv)) {
          byte[] content = Files.readAllBytes(part);
          out.writeInt(content.length);
          out.write(content);
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED, "cannot seal a secret with the TPM: " + e.getMessage(), e);
    } finally {
      delete(work);
    }
  }

  @Override
  public byte[] unseal(byte[] sealed) throws VaultException {
    Path work = temporaryDirectory();
    try {
      Path pub = work.resolve("sealed.pub");
      Path priv = work.resolve("sealed.priv");
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(sealed))) {
        for (Path part : List.of(pub, priv)) {
          int length = in.readInt();
          if (length < 0 || length > sealed.length) {
            throw new IOException("the sealed object is malformed");
          }
          Files.write(part, in.readNBytes(length));
        }
      }
      createPrimary(work);
      Path object = work.resolve("sealed.ctx");
      run(
          new byte[0],
          "tpm2_load",
          "-Q",
          "-C",
          work.resolve("primary.ctx").toString(),
          "-u",
          pub.toString(),
          "-r",
          priv.toString(),
          "-c",
          object.toString());
      return run(new byte[0], "tpm2_unseal", "-c", object.toString());
    } catch (IOException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED, "cannot unseal a secret with the TPM: " + e.getMessage(), e);
    } finally {
      delete(work);
    }
  }

  private void createPrimary(Path work) throws VaultException {
    run(
        new byte[0],
        "tpm2_createprimary",
        "-Q",
        "-C",
        "o",
        "-g",
        "sha256",
        "-G",
        "ecc",
        "-c",
        work.resolve("primary.ctx").toString());
  }

  private byte[] run(byte[] input, String tool, String... arguments) throws VaultException {
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
            tool + " did not finish within " + TOOL_TIMEOUT_SECONDS + " s" + tctiText());
      }
      if (process.exitValue() != 0) {
        throw new VaultException(
            Reason.OPERATION_FAILED,
            tool
                + " failed with status "
                + process.exitValue()
                + tctiText()
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

  private String tctiText() {
    return tcti.map(value -> " (TCTI " + value + ")").orElse("");
  }

  private Path temporaryDirectory() throws VaultException {
    try {
      Files.createDirectories(workDirectory);
      return Files.createTempDirectory(
          workDirectory,
          "tpm-seal",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED,
          "cannot create a working directory in " + workDirectory + ": " + e.getMessage(),
          e);
    }
  }

  private static void delete(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(TpmKeySealer::deleteQuietly);
    } catch (IOException e) {
      // nothing secret is in it: only TPM contexts and TPM-encrypted parts
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // see delete
    }
  }

  @Override
  public String description() {
    return "sealed by the TPM" + tctiText();
  }

  @Override
  public boolean isHardware() {
    return true;
  }
}
