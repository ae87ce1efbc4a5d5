package dev.trustbridge.trust.vault.internal;

import dev.trustbridge.trust.vault.Pkcs11Uri;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.security.auth.login.LoginException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PKCS#11 token through the JDK's SunPKCS11 provider: tpm2-pkcs11 (TPM 2.0), SoftHSM2, HSMs. Keys
 * are generated on the token as sensitive, non-extractable token objects, and signatures are
 * computed there.
 */
public final class Pkcs11Vault extends KeyStoreVault {

  private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Vault.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** Makes keys generated from Java persistent, private and impossible to read out. */
  private static final String KEY_ATTRIBUTES =
      """
      attributes(generate, CKO_PRIVATE_KEY, CKK_EC) = {
        CKA_TOKEN = true
        CKA_PRIVATE = true
        CKA_SENSITIVE = true
        CKA_EXTRACTABLE = false
        CKA_SIGN = true
      }
      attributes(generate, CKO_PUBLIC_KEY, CKK_EC) = {
        CKA_TOKEN = true
        CKA_VERIFY = true
      }
      attributes(generate, CKO_SECRET_KEY, CKK_AES) = {
        CKA_TOKEN = true
        CKA_PRIVATE = true
        CKA_SENSITIVE = true
        CKA_EXTRACTABLE = false
        CKA_ENCRYPT = true
        CKA_DECRYPT = true
      }
      """;

  private final Pkcs11Uri token;
  private final Provider provider;

  private Pkcs11Vault(Pkcs11Uri token, Provider provider, KeyStore keyStore) {
    super(keyStore);
    this.token = token;
    this.provider = provider;
  }

  /** Loads the module, logs in to the token and returns the vault; fails closed. */
  public static Pkcs11Vault open(VaultConfig.Pkcs11 config) throws VaultException {
    Pkcs11Uri token = config.token();
    if (!Files.isReadable(token.modulePath())) {
      throw new VaultException(
          Reason.BACKEND_UNAVAILABLE,
          "PKCS#11 module " + token.modulePath() + " is not installed or not readable");
    }
    Provider provider;
    try {
      provider = Security.getProvider("SunPKCS11").configure("--" + providerConfiguration(token));
    } catch (ProviderException | IllegalArgumentException e) {
      throw new VaultException(
          Reason.BACKEND_UNAVAILABLE,
          "PKCS#11 module "
              + token.modulePath()
              + " offers no usable token"
              + slotText(token)
              + ": "
              + rootMessage(e),
          e);
    }
    char[] pin = config.pin();
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
      keyStore.load(null, pin);
      // JSSE finds the provider that can sign with a token key only among installed providers
      Security.addProvider(provider);
      Pkcs11Vault vault = new Pkcs11Vault(token, provider, keyStore);
      LOG.info("vault opened backend=pkcs11 token=\"{}\"", vault.description());
      return vault;
    } catch (IOException e) {
      throw loginFailure(token, e);
    } catch (GeneralSecurityException | ProviderException e) {
      throw new VaultException(
          Reason.BACKEND_UNAVAILABLE,
          "cannot open the token of " + token.modulePath() + ": " + rootMessage(e),
          e);
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  private static String providerConfiguration(Pkcs11Uri token) {
    StringBuilder config =
        new StringBuilder()
            .append("name = TrustBridge")
            .append(INSTANCES.incrementAndGet())
            .append('\n')
            .append("library = ")
            .append(token.modulePath())
            .append('\n');
    if (token.slotId().isPresent()) {
      config.append("slot = ").append(token.slotId().getAsInt()).append('\n');
    } else {
      config.append("slotListIndex = ").append(token.slotIndex().orElse(0)).append('\n');
    }
    return config.append(KEY_ATTRIBUTES).toString();
  }

  private static VaultException loginFailure(Pkcs11Uri token, IOException e) {
    String detail = rootMessage(e);
    String where = "token" + slotText(token) + " of " + token.modulePath();
    if (detail.contains("CKR_PIN_LOCKED")) {
      return new VaultException(Reason.PIN_LOCKED, "the PIN of " + where + " is locked", e);
    }
    if (detail.contains("CKR_PIN_INCORRECT") || hasCause(e, LoginException.class)) {
      return new VaultException(
          Reason.WRONG_PIN, "the PIN for " + where + " was refused (" + detail + ")", e);
    }
    return new VaultException(
        Reason.BACKEND_UNAVAILABLE, "cannot log in to " + where + ": " + detail, e);
  }

  private static String slotText(Pkcs11Uri token) {
    StringBuilder text = new StringBuilder();
    token.token().ifPresent(label -> text.append(" '").append(label).append('\''));
    token.slotId().ifPresent(id -> text.append(" in slot ").append(id));
    token.slotIndex().ifPresent(index -> text.append(" at slot index ").append(index));
    return text.toString();
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  @Override
  KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  @Override
  Provider signingProvider() {
    return provider;
  }

  @Override
  SecretKey newWrappingKey() throws GeneralSecurityException {
    KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
    generator.init(256);
    return generator.generateKey();
  }

  @Override
  Provider wrappingProvider() {
    return provider;
  }

  @Override
  char[] entryPassword() {
    return null;
  }

  @Override
  void persist() {
    // a PKCS#11 key store writes through to the token
  }

  @Override
  String keyUri(String alias) {
    return token.objectUri(alias, "private");
  }

  @Override
  public String backend() {
    return "pkcs11";
  }

  @Override
  public String description() {
    return "PKCS#11 token" + slotText(token) + " of " + token.modulePath();
  }

  @Override
  public boolean isHardware() {
    return true;
  }

  @Override
  public void close() {
    try {
      ((AuthProvider) provider).logout();
    } catch (LoginException e) {
      LOG.warn("vault logout failed token=\"{}\" reason=\"{}\"", description(), e.getMessage());
    }
    Security.removeProvider(provider.getName());
  }
}
