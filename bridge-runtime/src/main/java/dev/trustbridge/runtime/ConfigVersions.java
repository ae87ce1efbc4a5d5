package dev.trustbridge.runtime;

import dev.trustbridge.trust.attest.TpmPlatform;
import dev.trustbridge.trust.vault.VaultException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The highest configuration bundle version this gateway has accepted, kept in the state directory
 * and, with a TPM, in an owner NV index of the TPM (which a copied or restored state directory
 * cannot reset), so that an older bundle, however validly signed, is refused: rollback protection.
 */
final class ConfigVersions {

  static final String FILE = "config-version";

  /** The TPM NV index of the counter. */
  static final int NV_INDEX = 0x01500016;

  private ConfigVersions() {}

  /**
   * Accepts {@code version} if it is not lower than any accepted before, and records it.
   *
   * @throws IllegalStateException if it is lower: a rollback
   * @throws IOException if the record cannot be read or written durably
   */
  private static long stored(Path file) throws IOException {
    String text = Files.readString(file).strip();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException(
          file
              + " holds '"
              + text
              + "', not the highest accepted configuration version; restore it from a backup"
              + " (deleting it gives up rollback protection until the next start)",
          e);
    }
  }

  static void accept(Path stateDirectory, long version, Optional<TpmPlatform> tpm)
      throws IOException, VaultException {
    Path file = stateDirectory.resolve(FILE);
    long highest = Files.exists(file) ? stored(file) : 0;
    if (tpm.isPresent()) {
      highest = Math.max(highest, tpm.get().readCounter(NV_INDEX).orElse(0));
    }
    if (version < highest) {
      throw new IllegalStateException(
          "configuration bundle version "
              + version
              + " is older than version "
              + highest
              + " accepted before ("
              + file
              + (tpm.isPresent() ? " and the TPM's NV index" : "")
              + "): rollback refused");
    }
    if (version > highest) {
      Files.createDirectories(stateDirectory);
      Path temporary = file.resolveSibling(FILE + ".tmp");
      try (FileChannel out =
          FileChannel.open(
              temporary,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        out.write(ByteBuffer.wrap((version + "\n").getBytes(StandardCharsets.US_ASCII)));
        out.force(true);
      }
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (tpm.isPresent()) {
        tpm.get().writeCounter(NV_INDEX, version);
      }
    }
  }
}
