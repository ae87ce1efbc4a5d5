package dev.trustbridge.trust.attest;

import dev.trustbridge.trust.tpm.internal.Tpm2Tools;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.VaultException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The TPM functions that attestation needs, through tpm2-tools: resetting and extending a PCR,
 * reading it, creating an attestation key under the endorsement key, and quoting. Not thread-safe.
 *
 * <p>Only PCRs that the platform lets software reset at locality 0 can be owned by the gateway: 16
 * (debug, for tests) and 23 (application support). The gateway resets its PCR at start and then
 * extends every measurement, so the quoted value is the replay of its event log.
 */
public final class TpmPlatform implements AutoCloseable {

  private final Tpm2Tools tools;
  private final Path work;

  private TpmPlatform(Tpm2Tools tools, Path work) {
    this.tools = tools;
    this.work = work;
  }

  /**
   * Prepares a working directory for the TPM's object contexts under {@code workParent}.
   *
   * @param tcti the TPM connection; empty: tpm2-tools' default
   */
  public static TpmPlatform open(Optional<String> tcti, Path workParent) throws VaultException {
    return new TpmPlatform(new Tpm2Tools(tcti), Tpm2Tools.workDirectory(workParent, "attest"));
  }

  /** What TPM this is, for messages. */
  public String describe() {
    return tools.describe();
  }

  /** Resets a resettable PCR (16 or 23) to zeros. */
  public void resetPcr(int pcr) throws VaultException {
    tools.run(new byte[0], "tpm2_pcrreset", Integer.toString(pcr));
  }

  /** Extends the SHA-256 bank of a PCR with a measurement's {@link Measurement#extendDigest()}. */
  public void extend(int pcr, Measurement measurement) throws VaultException {
    tools.run(
        new byte[0],
        "tpm2_pcrextend",
        pcr + ":sha256=" + HexFormat.of().formatHex(measurement.extendDigest()));
  }

  /** The SHA-256 bank's value of a PCR. */
  public byte[] readPcr(int pcr) throws VaultException {
    Path out = work.resolve("pcr-" + pcr + ".bin");
    tools.run(new byte[0], "tpm2_pcrread", "sha256:" + pcr, "-o", out.toString());
    return read(out);
  }

  /**
   * Creates an ECC P-256 attestation key (restricted signing, SHA-256) under the ECC endorsement
   * key; it lives as a context in the working directory until this platform closes.
   */
  public AttestationKey createAttestationKey() throws VaultException {
    Path ek = work.resolve("ek.ctx");
    Path ak = work.resolve("ak.ctx");
    Path pem = work.resolve("ak.pem");
    tools.run(
        new byte[0],
        "tpm2_createek",
        "-c",
        ek.toString(),
        "-G",
        "ecc",
        "-u",
        work.resolve("ek.pub").toString());
    tools.run(
        new byte[0],
        "tpm2_createak",
        "-C",
        ek.toString(),
        "-c",
        ak.toString(),
        "-G",
        "ecc",
        "-g",
        "sha256",
        "-s",
        "ecdsa",
        "-u",
        pem.toString(),
        "-f",
        "pem",
        "-n",
        work.resolve("ak.name").toString());
    return new AttestationKey(publicKey(pem), ak);
  }

  /**
   * A quote by {@code key} over the SHA-256 bank of {@code pcr}, with {@code nonce} as its data.
   */
  public Quote quote(AttestationKey key, int pcr, byte[] nonce) throws VaultException {
    Path message = work.resolve("quote.msg");
    Path signature = work.resolve("quote.sig");
    tools.run(
        new byte[0],
        "tpm2_quote",
        "-c",
        key.context().toString(),
        "-l",
        "sha256:" + pcr,
        "-q",
        HexFormat.of().formatHex(nonce),
        "-g",
        "sha256",
        "-m",
        message.toString(),
        "-s",
        signature.toString(),
        "-f",
        "plain");
    return new Quote(read(message), read(signature));
  }

  /**
   * The 8-byte counter in an owner NV index, if the index is defined.
   *
   * @param index such as {@code 0x01500016}
   */
  public OptionalLong readCounter(int index) throws VaultException {
    String handle = "0x" + Integer.toHexString(index);
    byte[] value;
    try {
      value = tools.run(new byte[0], "tpm2_nvread", handle, "-C", "o", "-s", "8");
    } catch (VaultException e) {
      if (e.getMessage().contains("0x18b") || e.getMessage().contains("0x18B")) {
        return OptionalLong.empty();
      }
      throw e;
    }
    if (value.length != 8) {
      throw new VaultException(
          Reason.OPERATION_FAILED, "NV index " + handle + " does not hold an 8-byte counter");
    }
    return OptionalLong.of(ByteBuffer.wrap(value).getLong());
  }

  /** Writes the counter, defining the owner NV index (owner read and write) on first use. */
  public void writeCounter(int index, long value) throws VaultException {
    String handle = "0x" + Integer.toHexString(index);
    if (readCounter(index).isEmpty()) {
      tools.run(
          new byte[0], "tpm2_nvdefine", handle, "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite");
    }
    tools.run(
        ByteBuffer.allocate(8).putLong(value).array(),
        "tpm2_nvwrite",
        handle,
        "-C",
        "o",
        "-i",
        "-");
  }

  private PublicKey publicKey(Path pem) throws VaultException {
    try {
      String text = Files.readString(pem, StandardCharsets.US_ASCII);
      String base64 =
          text.replace("-----BEGIN PUBLIC KEY-----", "")
              .replace("-----END PUBLIC KEY-----", "")
              .replaceAll("\\s", "");
      return KeyFactory.getInstance("EC")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new VaultException(
          Reason.OPERATION_FAILED, "cannot read the attestation key " + pem + ": " + e, e);
    }
  }

  private static byte[] read(Path file) throws VaultException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new VaultException(Reason.OPERATION_FAILED, "cannot read " + file + ": " + e, e);
    }
  }

  /** Deletes the working directory with the key contexts. */
  @Override
  public void close() {
    Tpm2Tools.delete(work);
  }

  /**
   * An attestation key of the TPM.
   *
   * @param publicKey its public key
   * @param context where tpm2-tools keep its context
   */
  public record AttestationKey(PublicKey publicKey, Path context) {}

  /**
   * A TPM quote.
   *
   * @param attest the signed {@code TPMS_ATTEST} structure
   * @param signature its ECDSA signature, DER
   */
  public record Quote(byte[] attest, byte[] signature) {}
}
