package dev.trustbridge.trust.attest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The SHA-256 digest of one component of the gateway: a jar or class directory of its runtime, its
 * configuration file, a route file, a policy file.
 *
 * @param component what was measured, such as {@code jar:camel-core-4.18.0.jar} or {@code
 *     route:routes/telemetry.camel.yaml}; no line breaks
 * @param sha256 the digest in lower-case hex
 */
public record Measurement(String component, String sha256) {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public Measurement {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(sha256, "sha256");
    if (component.isBlank() || component.contains("\n")) {
      throw new IllegalArgumentException(
          "component '" + component + "' is blank or has a line break");
    }
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "digest of " + component + " is not 64 lower-case hex digits: " + sha256);
    }
  }

  /** The digest of a file's bytes. */
  public static Measurement ofFile(String component, Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return new Measurement(component, HexFormat.of().formatHex(digest.digest()));
  }

  /**
   * The digest of a directory tree: of each regular file's path relative to it and digest, one line
   * each, sorted by path, so that the result does not depend on the file system's order.
   */
  public static Measurement ofDirectory(String component, Path directory) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    MessageDigest digest = newDigest();
    for (Path file : files) {
      String relative = directory.relativize(file).toString().replace('\\', '/');
      digest.update(
          (relative + "\0" + ofFile(relative, file).sha256() + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    return new Measurement(component, HexFormat.of().formatHex(digest.digest()));
  }

  /** The digest recorded for a component that is missing: SHA-256 of nothing. */
  public static String absent() {
    return HexFormat.of().formatHex(newDigest().digest());
  }

  /**
   * What is extended into the PCR for this measurement: SHA-256 of {@code component}, a line feed
   * and the hex digest, so that the PCR binds names as well as contents.
   */
  public byte[] extendDigest() {
    return newDigest().digest((component + "\n" + sha256).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The value a SHA-256 PCR holds after a reset and the extends of these measurements, in order:
   * {@code PCR = SHA-256(PCR || extendDigest)} from 32 zero bytes.
   */
  public static byte[] replay(List<Measurement> measurements) {
    byte[] pcr = new byte[32];
    for (Measurement measurement : measurements) {
      MessageDigest digest = newDigest();
      digest.update(pcr);
      digest.update(measurement.extendDigest());
      pcr = digest.digest();
    }
    return pcr;
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
