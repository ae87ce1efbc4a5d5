package dev.trustbridge.runtime.config;

import dev.trustbridge.runtime.config.internal.YamlMapping;
import dev.trustbridge.trust.vault.Pkcs11Uri;
import dev.trustbridge.trust.vault.VaultConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** Reads the {@code vault} section: where the gateway's identity key lives. */
final class VaultReader {

  /** The alias of the identity key when the configuration names none. */
  static final String DEFAULT_ALIAS = "gateway-identity";

  private enum Type {
    PKCS11("pkcs11"),
    SOFTWARE("software");

    final String configName;

    Type(String configName) {
      this.configName = configName;
    }
  }

  private VaultReader() {}

  /** The vault and identity alias, or empty when the section has problems (they are recorded). */
  static Optional<IdentityConfig> read(YamlMapping root, SecurityMode mode, Path directory) {
    Optional<YamlMapping> section = root.mapping("vault");
    if (section.isEmpty()) {
      root.problem("vault", "is required: it names where the gateway's identity key lives");
      return Optional.empty();
    }
    YamlMapping vault = section.get();
    Type type = vault.choice("type", null, Type.values(), t -> t.configName);
    if (!vault.has("type")) {
      vault.problem("type", "is required (pkcs11 or software)");
    }
    Optional<IdentityConfig> identity =
        type == Type.PKCS11
            ? pkcs11(vault)
            : type == Type.SOFTWARE ? software(vault, mode, directory) : Optional.empty();
    vault.rejectUnknownKeys();
    return identity;
  }

  private static Optional<IdentityConfig> pkcs11(YamlMapping vault) {
    Optional<Pkcs11Uri> uri =
        vault
            .requiredString("uri")
            .flatMap(
                text -> {
                  try {
                    return Optional.of(Pkcs11Uri.parse(text));
                  } catch (IllegalArgumentException e) {
                    vault.problem("uri", e.getMessage());
                    return Optional.empty();
                  }
                });
    Optional<char[]> pin = vault.secret("pin");
    if (uri.isEmpty() || pin.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new IdentityConfig(
              new VaultConfig.Pkcs11(uri.get(), pin.get()),
              uri.get().object().orElse(DEFAULT_ALIAS)));
    } finally {
      Arrays.fill(pin.get(), '\0');
    }
  }

  private static Optional<IdentityConfig> software(
      YamlMapping vault, SecurityMode mode, Path directory) {
    if (mode == SecurityMode.PRODUCTION) {
      vault.problem(
          "type", "software keys are refused in production mode: use a TPM or HSM through pkcs11");
    }
    Optional<Path> keyStore = vault.requiredString("keyStore").map(directory::resolve);
    Optional<char[]> password = vault.secret("password");
    String alias = vault.optionalString("alias").orElse(DEFAULT_ALIAS);
    if (keyStore.isEmpty() || password.isEmpty() || mode == SecurityMode.PRODUCTION) {
      password.ifPresent(secret -> Arrays.fill(secret, '\0'));
      return Optional.empty();
    }
    try {
      return Optional.of(
          new IdentityConfig(new VaultConfig.Software(keyStore.get(), password.get()), alias));
    } finally {
      Arrays.fill(password.get(), '\0');
    }
  }
}
