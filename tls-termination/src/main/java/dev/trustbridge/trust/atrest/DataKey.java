package dev.trustbridge.trust.atrest;

import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES-256 key that encrypts the gateway's data at rest with AES-GCM. Its clear value lives only
 * in memory: on disk it exists sealed by a {@link KeySealer}, next to a check value that proves at
 * open that the unsealed key is the one that encrypted the data.
 *
 * <p>The caller supplies nonces and must never repeat one under the same key; the associated data
 * binds each ciphertext to where it belongs, so that records cannot be swapped.
 */
public final class DataKey {

  /** The length of a nonce in bytes. */
  public static final int NONCE_LENGTH = 12;

  private static final byte[] MAGIC = "TBDK".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int KEY_LENGTH = 32;
  private static final int TAG_BITS = 128;
  private static final byte[] CHECK_DATA =
      "trustbridge data key check".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;
  private final KeySealer sealer;

  private DataKey(SecretKey key, KeySealer sealer) {
    this.key = key;
    this.sealer = sealer;
  }

  /**
   * Unseals the data key stored in {@code file}, or generates one, seals it and stores it there
   * (permissions 0600, written atomically) when the file does not exist.
   *
   * @throws VaultException {@code OPERATION_FAILED} if the file cannot be read or written, is not a
   *     data key file, or does not unseal to the key it was made for (another TPM or token, a lost
   *     wrapping key, altered bytes)
   */
  public static DataKey open(Path file, KeySealer sealer) throws VaultException {
    return Files.exists(file) ? read(file, sealer) : create(file, sealer);
  }

  private static DataKey create(Path file, KeySealer sealer) throws VaultException {
    byte[] secret = new byte[KEY_LENGTH];
    RANDOM.nextBytes(secret);
    try {
      DataKey dataKey = new DataKey(new SecretKeySpec(secret, "AES"), sealer);
      byte[] checkNonce = new byte[NONCE_LENGTH];
      RANDOM.nextBytes(checkNonce);
      byte[] check = dataKey.encrypt(checkNonce, new byte[0], CHECK_DATA);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.write(MAGIC);
        out.writeByte(VERSION);
        writeBlock(out, sealer.seal(secret));
        writeBlock(out, checkNonce);
        writeBlock(out, check);
      }
      writeAtomically(file, bytes.toByteArray());
      return dataKey;
    } catch (IOException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED, "cannot write data key file " + file + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private static DataKey read(Path file, KeySealer sealer) throws VaultException {
    byte[] sealed;
    byte[] checkNonce;
    byte[] check;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC) || in.readUnsignedByte() != VERSION) {
        throw new IOException("it is not a TrustBridge data key file of version " + VERSION);
      }
      sealed = readBlock(in);
      checkNonce = readBlock(in);
      check = readBlock(in);
    } catch (IOException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED, "cannot read data key file " + file + ": " + e.getMessage(), e);
    }
    byte[] secret;
    try {
      secret = sealer.unseal(sealed);
    } catch (VaultException e) {
      throw new VaultException(
          e.reason(), "data key file " + file + " cannot be unsealed: " + e.getMessage(), e);
    }
    try {
      DataKey dataKey = new DataKey(new SecretKeySpec(secret, "AES"), sealer);
      dataKey.decrypt(checkNonce, check, CHECK_DATA);
      return dataKey;
    } catch (AEADBadTagException | IllegalArgumentException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED,
          "data key file "
              + file
              + " does not unseal to the key it was made for with "
              + sealer.description()
              + ": another TPM or token, a replaced wrapping key, or an altered file",
          e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** How the key is protected on disk. */
  public String protection() {
    return sealer.description();
  }

  /** Whether a TPM or token protects the key on disk. */
  public boolean isHardwareProtected() {
    return sealer.isHardware();
  }

  /**
   * Encrypts and authenticates {@code plaintext}, and authenticates {@code associatedData}.
   *
   * @param nonce {@value #NONCE_LENGTH} bytes never used before with this key
   * @return the ciphertext followed by the 16-byte tag
   */
  public byte[] encrypt(byte[] nonce, byte[] plaintext, byte[] associatedData) {
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
      cipher.updateAAD(associatedData);
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  /**
   * The plaintext of {@code ciphertext}.
   *
   * @throws AEADBadTagException if the ciphertext, the nonce or the associated data were altered,
   *     or another key encrypted it
   */
  public byte[] decrypt(byte[] nonce, byte[] ciphertext, byte[] associatedData)
      throws AEADBadTagException {
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce);
      cipher.updateAAD(associatedData);
      return cipher.doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
    if (nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("a nonce has " + NONCE_LENGTH + " bytes");
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }

  private static void writeBlock(DataOutputStream out, byte[] block) throws IOException {
    out.writeInt(block.length);
    out.write(block);
  }

  private static byte[] readBlock(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > 64 * 1024) {
      throw new IOException("a block of " + length + " bytes is out of bounds");
    }
    return in.readNBytes(length);
  }

  private static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temporary =
        Files.createTempFile(
            directory,
            ".datakey",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}
