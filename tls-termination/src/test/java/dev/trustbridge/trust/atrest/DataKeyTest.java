package dev.trustbridge.trust.atrest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbridge.sim.tokens.TokenRig;
import dev.trustbridge.trust.vault.Pkcs11Uri;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultConfig;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.Vaults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data key of the gateway's store: sealed on disk by the software vault, a SoftHSM2 token key
 * or the TPM of the rig, recovered only by the same backend, and refusing altered files.
 */
class DataKeyTest {

  private static final byte[] NONCE = new byte[DataKey.NONCE_LENGTH];
  private static final byte[] RECORD = "envelope bytes".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BINDING = "outbox/cloud/plc-1/42".getBytes(StandardCharsets.UTF_8);

  @TempDir Path directory;

  @Test
  void softwareVault_reopenedKey_decryptsWhatFirstKeyEncrypted() throws Exception {
    Path file = directory.resolve("outbox.key");
    byte[] ciphertext;
    try (Vault vault = softwareVault("vault.p12")) {
      DataKey key = DataKey.open(file, vault.keySealer("trustbridge-data"));
      assertThat(key.isHardwareProtected()).isFalse();
      assertThat(key.protection()).contains("software key");
      ciphertext = key.encrypt(NONCE, RECORD, BINDING);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (Vault vault = softwareVault("vault.p12")) {
      DataKey key = DataKey.open(file, vault.keySealer("trustbridge-data"));
      assertThat(key.decrypt(NONCE, ciphertext, BINDING)).isEqualTo(RECORD);
    }
  }

  @Test
  void ciphertext_otherAssociatedDataOrFlippedByte_isRejected() throws Exception {
    try (Vault vault = softwareVault("vault.p12")) {
      DataKey key = DataKey.open(directory.resolve("outbox.key"), vault.keySealer("data"));
      byte[] ciphertext = key.encrypt(NONCE, RECORD, BINDING);
      byte[] otherBinding = "outbox/cloud/plc-1/43".getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> key.decrypt(NONCE, ciphertext, otherBinding))
          .isInstanceOf(AEADBadTagException.class);
      ciphertext[3] ^= 1;
      assertThatThrownBy(() -> key.decrypt(NONCE, ciphertext, BINDING))
          .isInstanceOf(AEADBadTagException.class);
    }
  }

  @Test
  void keyFile_openedWithAnotherVault_isRefusedWithReason() throws Exception {
    Path file = directory.resolve("outbox.key");
    try (Vault vault = softwareVault("vault.p12")) {
      DataKey.open(file, vault.keySealer("data"));
    }
    try (Vault other = softwareVault("other.p12")) {
      KeySealer otherSealer = other.keySealer("data");
      assertThatThrownBy(() -> DataKey.open(file, otherSealer))
          .isInstanceOf(VaultException.class)
          .hasMessageContaining(file.toString())
          .satisfies(
              e -> assertThat(e.getMessage()).containsAnyOf("does not unseal", "cannot unwrap"));
    }
  }

  @Test
  void keyFile_alteredCheckValue_isRefused() throws Exception {
    Path file = directory.resolve("outbox.key");
    try (Vault vault = softwareVault("vault.p12")) {
      DataKey.open(file, vault.keySealer("data"));
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length - 1] ^= 1;
      Files.write(file, bytes);
      KeySealer sealer = vault.keySealer("data");
      assertThatThrownBy(() -> DataKey.open(file, sealer))
          .isInstanceOf(VaultException.class)
          .hasMessageContaining("does not unseal to the key it was made for");
    }
  }

  @Test
  void softHsmToken_wrapsWithNonExtractableKey_reopens() throws Exception {
    TokenRig.require();
    Path file = directory.resolve("outbox.key");
    String alias = "data-" + UUID.randomUUID().toString().substring(0, 8);
    byte[] ciphertext;
    try (Vault vault = tokenVault(TokenRig.SOFTHSM_MODULE)) {
      DataKey key = DataKey.open(file, vault.keySealer(alias));
      assertThat(key.isHardwareProtected()).isTrue();
      assertThat(key.protection()).contains("token key pkcs11:");
      ciphertext = key.encrypt(NONCE, RECORD, BINDING);
    }
    try (Vault vault = tokenVault(TokenRig.SOFTHSM_MODULE)) {
      DataKey key = DataKey.open(file, vault.keySealer(alias));
      assertThat(key.decrypt(NONCE, ciphertext, BINDING)).isEqualTo(RECORD);
    }
  }

  @Test
  void tpmToken_cannotHoldWrappingKey_saysToSealWithTpm() throws Exception {
    TokenRig.require();
    try (Vault vault = tokenVault(TokenRig.TPM2_MODULE)) {
      assertThatThrownBy(() -> vault.keySealer("data-" + UUID.randomUUID()))
          .isInstanceOf(VaultException.class)
          .hasMessageContaining("seal with the TPM");
    }
  }

  @Test
  void tpmSealer_sealsAndUnseals_onlyItsOwnObject() throws Exception {
    TokenRig.require();
    Path file = directory.resolve("outbox.key");
    KeySealer tpm = KeySealer.tpm(Optional.empty(), directory.resolve("work"));
    byte[] ciphertext = DataKey.open(file, tpm).encrypt(NONCE, RECORD, BINDING);

    DataKey reopened = DataKey.open(file, tpm);

    assertThat(reopened.isHardwareProtected()).isTrue();
    assertThat(reopened.decrypt(NONCE, ciphertext, BINDING)).isEqualTo(RECORD);
    assertThat(Files.list(directory.resolve("work"))).isEmpty();
    byte[] bytes = Files.readAllBytes(file);
    bytes[40] ^= 1;
    Files.write(file, bytes);
    assertThatThrownBy(() -> DataKey.open(file, tpm))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("tpm2_");
  }

  private Vault softwareVault(String name) throws VaultException {
    return Vaults.open(new VaultConfig.Software(directory.resolve(name), "changeit".toCharArray()));
  }

  private static Vault tokenVault(Path module) throws VaultException {
    return Vaults.open(
        new VaultConfig.Pkcs11(
            Pkcs11Uri.parse("pkcs11:token=" + TokenRig.TOKEN_LABEL + "?module-path=" + module),
            TokenRig.userPin()));
  }
}
