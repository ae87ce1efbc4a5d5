package dev.trustbridge.adapters.opcua.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The one place where the gateway's OPC UA application key touches disk: a PKCS#12 file readable by
 * the gateway's user only. A PKCS#11 token cannot hold this key because Milo's secure channel
 * decrypts with RSA-OAEP, which the JDK's SunPKCS11 provider does not offer for token keys; when
 * the file gains encryption at rest, only {@link #read()} and {@link #write} change.
 */
public final class ApplicationKeyFile {

  private static final String ALIAS = "opcua-application";
  // the file's protection is its owner-only permission; the PKCS#12 password is a format formality
  private static final char[] STORE_PASSWORD = "trustbridge-opcua".toCharArray();

  private final Path file;

  public ApplicationKeyFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  /** The key and certificate stored earlier, if the file exists. */
  public Optional<Stored> read() throws IOException, GeneralSecurityException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(Files.readAllBytes(file)), STORE_PASSWORD);
    if (!(store.getKey(ALIAS, STORE_PASSWORD) instanceof PrivateKey key)) {
      throw new GeneralSecurityException(file + " holds no key '" + ALIAS + "'");
    }
    X509Certificate certificate = (X509Certificate) store.getCertificate(ALIAS);
    return Optional.of(new Stored(new KeyPair(certificate.getPublicKey(), key), certificate));
  }

  /** Replaces the file atomically; the directory and the file are made owner-only. */
  public void write(KeyPair keys, X509Certificate certificate)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(ALIAS, keys.getPrivate(), STORE_PASSWORD, new Certificate[] {certificate});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.store(bytes, STORE_PASSWORD);
    Path directory = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      throw new IOException(directory + " exists and is not a directory", e);
    }
    Path temporary =
        Files.createTempFile(
            directory,
            ".opcua-application",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(temporary, bytes.toByteArray());
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** A key pair with its certificate. */
  public record Stored(KeyPair keys, X509Certificate certificate) {
    @Override
    public String toString() {
      return "Stored[subject=" + certificate.getSubjectX500Principal().getName() + "]";
    }
  }
}
