package dev.trustbridge.adapters.opcua.internal;

import dev.trustbridge.trust.atrest.DataKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

/**
 * The one place where the gateway's OPC UA application key touches disk: a PKCS#12 encrypted with
 * AES-256-GCM under the gateway's {@link DataKey} (sealed by the TPM or wrapped by a token key), in
 * a file readable by the gateway's user only. A PKCS#11 token cannot hold this key because Milo's
 * secure channel decrypts with RSA-OAEP, which the JDK's SunPKCS11 provider does not offer for
 * token keys.
 */
public final class ApplicationKeyFile {

  private static final String ALIAS = "opcua-application";
  // the data key protects the file; the PKCS#12 password is a format formality
  private static final char[] STORE_PASSWORD = "trustbridge-opcua".toCharArray();
  private static final byte[] MAGIC = "TBAK1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ASSOCIATED_DATA =
      "trustbridge opcua application key".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private final DataKey dataKey;

  public ApplicationKeyFile(Path file, DataKey dataKey) {
    this.file = file;
    this.dataKey = dataKey;
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
    store.load(new ByteArrayInputStream(decrypt(Files.readAllBytes(file))), STORE_PASSWORD);
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
      Files.write(temporary, encrypt(bytes.toByteArray()));
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private byte[] encrypt(byte[] plaintext) {
    byte[] nonce = new byte[DataKey.NONCE_LENGTH];
    // written a handful of times in a key's life: a random nonce cannot collide in practice
    RANDOM.nextBytes(nonce);
    byte[] ciphertext = dataKey.encrypt(nonce, plaintext, ASSOCIATED_DATA);
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + nonce.length + ciphertext.length);
    return out.put(MAGIC).put(nonce).put(ciphertext).array();
  }

  private byte[] decrypt(byte[] stored) throws GeneralSecurityException {
    if (stored.length < MAGIC.length + DataKey.NONCE_LENGTH
        || !Arrays.equals(Arrays.copyOf(stored, MAGIC.length), MAGIC)) {
      throw new GeneralSecurityException(
          file + " is not an encrypted OPC UA application key; remove it to have a new one made");
    }
    byte[] nonce = Arrays.copyOfRange(stored, MAGIC.length, MAGIC.length + DataKey.NONCE_LENGTH);
    try {
      return dataKey.decrypt(
          nonce,
          Arrays.copyOfRange(stored, MAGIC.length + DataKey.NONCE_LENGTH, stored.length),
          ASSOCIATED_DATA);
    } catch (AEADBadTagException e) {
      throw new GeneralSecurityException(
          file + " does not decrypt with the gateway's data key (" + dataKey.protection() + ")", e);
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
