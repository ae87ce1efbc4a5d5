package dev.trustbridge.trust.atrest.internal;

import dev.trustbridge.trust.atrest.KeySealer;
import dev.trustbridge.trust.tpm.internal.Tpm2Tools;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Seals secrets with tpm2-tools: {@code tpm2_create} makes a sealed data object under the primary
 * key that {@code tpm2_createprimary} derives from the owner hierarchy's seed (the same template
 * gives the same key every time, so nothing of it is stored), and {@code tpm2_load} + {@code
 * tpm2_unseal} recover it. The stored form is the object's public and TPM-encrypted private part,
 * which no other TPM can load. Secrets pass through pipes, never through files.
 */
public final class TpmKeySealer implements KeySealer {

  private final Tpm2Tools tools;
  private final Path workDirectory;

  public TpmKeySealer(Optional<String> tcti, Path workDirectory) {
    this.tools = new Tpm2Tools(tcti);
    this.workDirectory = workDirectory;
  }

  @Override
  public byte[] seal(byte[] secret) throws VaultException {
    Path work = Tpm2Tools.workDirectory(workDirectory, "tpm-seal");
    try {
      createPrimary(work);
      Path pub = work.resolve("sealed.pub");
      Path priv = work.resolve("sealed.priv");
      tools.run(
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
      Tpm2Tools.delete(work);
    }
  }

  @Override
  public byte[] unseal(byte[] sealed) throws VaultException {
    Path work = Tpm2Tools.workDirectory(workDirectory, "tpm-seal");
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
      tools.run(
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
      return tools.run(new byte[0], "tpm2_unseal", "-c", object.toString());
    } catch (IOException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED, "cannot unseal a secret with the TPM: " + e.getMessage(), e);
    } finally {
      Tpm2Tools.delete(work);
    }
  }

  private void createPrimary(Path work) throws VaultException {
    tools.run(
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

  @Override
  public String description() {
    return "sealed by the " + tools.describe();
  }

  @Override
  public boolean isHardware() {
    return true;
  }
}
