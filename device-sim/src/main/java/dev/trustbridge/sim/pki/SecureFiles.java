package dev.trustbridge.sim.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** File writes of the development PKI: atomic, with explicit POSIX permissions. */
final class SecureFiles {

  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> PUBLIC_READ = PosixFilePermissions.fromString("rw-r--r--");

  private SecureFiles() {}

  /** Creates the directory (owner-only) if it does not exist yet. */
  static void createDirectory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        setPermissions(dir, OWNER_ONLY_DIRECTORY);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create PKI directory " + dir, e);
    }
  }

  /**
   * Replaces {@code target} with {@code content} so that readers see either the old or the new
   * file, never a partial one, and never with wider permissions than asked for.
   */
  static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) {
    Path temp = null;
    try {
      // createTempFile makes the file owner-only before any byte is written into it
      temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      Files.write(temp, content);
      setPermissions(temp, permissions);
      // the temporary file lies in the target's directory, so the move is a rename
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(temp, e);
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    if (view == null) {
      throw new IOException(
          "file system of "
              + path
              + " has no POSIX permissions, so the development PKI cannot protect its keys");
    }
    view.setPermissions(permissions);
  }

  private static void deleteQuietly(Path temp, IOException cause) {
    if (temp == null) {
      return;
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }
}
