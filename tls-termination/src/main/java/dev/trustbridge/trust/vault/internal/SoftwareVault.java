package dev.trustbridge.trust.vault.internal;

import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.UnrecoverableKeyException;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PKCS#12 file as vault, for development only: whoever has the file and its password has the key.
 * Every open says so in the log.
 */
public final class SoftwareVault extends KeyStoreVault {

  private static final Logger LOG = LoggerFactory.getLogger(SoftwareVault.class);
  private static final Provider BC = new BouncyCastleProvider();

  private final Path file;
  private final char[] password;

  private SoftwareVault(Path file, char[] password, KeyStore keyStore) {
    super(keyStore);
    this.file = file;
    this.password = password;
  }

  /** Opens the file, or prepares an empty store that the first generated key creates. */
  public static SoftwareVault open(VaultConfig.Software config) throws VaultException {
    Path file = config.keyStore();
    char[] password = config.password();
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      if (Files.exists(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          keyStore.load(in, password);
        }
      } else {
        keyStore.load(null, null);
      }
      SoftwareVault vault = new SoftwareVault(file, password, keyStore);
      LOG.warn(
          "vault opened backend=software file={}: development only, the key can be copied with the file",
          file);
      return vault;
    } catch (IOException e) {
      Arrays.fill(password, '\0');
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new VaultException(
            Reason.WRONG_PIN, "the password of key store " + file + " was refused", e);
      }
      throw new VaultException(
          Reason.BACKEND_UNAVAILABLE, "cannot read key store " + file + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      Arrays.fill(password, '\0');
      throw new VaultException(Reason.BACKEND_UNAVAILABLE, "cannot read key store " + file, e);
    }
  }

  @Override
  KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  @Override
  Provider signingProvider() {
    return BC;
  }

  @Override
  SecretKey newWrappingKey() throws GeneralSecurityException {
    KeyGenerator generator = KeyGenerator.getInstance("AES");
    generator.init(256);
    return generator.generateKey();
  }

  @Override
  Provider wrappingProvider() {
    return Security.getProvider("SunJCE");
  }

  @Override
  char[] entryPassword() {
    return password;
  }

  @Override
  void persist() throws VaultException {
    try {
      Path directory = file.toAbsolutePath().getParent();
      Files.createDirectories(directory);
      Path temporary =
          Files.createTempFile(
              directory,
              ".keystore",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (OutputStream out = Files.newOutputStream(temporary)) {
        keyStore.store(out, password);
      }
      try {
        Files.move(
            temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new VaultException(Reason.OPERATION_FAILED, "cannot write key store " + file, e);
    }
  }

  @Override
  String keyUri(String alias) {
    return file.toAbsolutePath().toUri() + "#" + alias;
  }

  @Override
  public String backend() {
    return "software";
  }

  @Override
  public String description() {
    return "software key store " + file + " (development only)";
  }

  @Override
  public boolean isHardware() {
    return false;
  }

  @Override
  public void close() {
    Arrays.fill(password, '\0');
  }
}
