package dev.trustbridge.runtime.config;

import dev.trustbridge.adapters.opcua.OpcUaDevice;
import dev.trustbridge.adapters.opcua.OpcUaFingerprint;
import dev.trustbridge.adapters.opcua.OpcUaSecurityMode;
import dev.trustbridge.adapters.opcua.OpcUaSecurityPolicy;
import dev.trustbridge.adapters.opcua.OpcUaServerTrust;
import dev.trustbridge.adapters.opcua.OpcUaTag;
import dev.trustbridge.adapters.opcua.OpcUaUser;
import dev.trustbridge.runtime.config.internal.OpcUaTagReader;
import dev.trustbridge.runtime.config.internal.Problems;
import dev.trustbridge.runtime.config.internal.YamlMapping;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads a {@code devices[]} entry with {@code protocol: opcua} into an {@link OpcUaDevice}. */
final class OpcUaDeviceReader {

  /** Where {@code trustbridge opcua trust} puts a device's trusted server certificates. */
  static final String TRUST_DIRECTORY = "pki/opcua";

  private enum WhileDown {
    BAD("bad", OpcUaDevice.WhileDown.BAD),
    NONE("none", OpcUaDevice.WhileDown.NONE);

    final String configName;
    final OpcUaDevice.WhileDown value;

    WhileDown(String configName, OpcUaDevice.WhileDown value) {
      this.configName = configName;
      this.value = value;
    }
  }

  private OpcUaDeviceReader() {}

  /** The trust directory of a device: {@code <config>/pki/opcua/<deviceId>}. */
  static Path trustDirectory(Path configDirectory, String deviceId) {
    return configDirectory.resolve(TRUST_DIRECTORY).resolve(deviceId);
  }

  /**
   * @param id the device's id, already checked; empty when it has problems
   * @param tagFiles receives the CSV tag list when the device names one
   */
  static Optional<OpcUaDevice> read(
      YamlMapping device,
      String id,
      SecurityMode mode,
      Path directory,
      Problems problems,
      List<Path> tagFiles) {
    String endpoint = device.requiredString("endpoint").orElse("");
    Optional<OpcUaSecurityPolicy> policy = Optional.empty();
    Optional<OpcUaSecurityMode> securityMode = Optional.empty();
    Optional<YamlMapping> security = device.mapping("security");
    if (security.isPresent()) {
      YamlMapping section = security.get();
      policy =
          Optional.ofNullable(
              section.choice(
                  "policy", null, OpcUaSecurityPolicy.values(), OpcUaSecurityPolicy::configName));
      securityMode =
          Optional.ofNullable(
              section.choice(
                  "mode", null, OpcUaSecurityMode.values(), OpcUaSecurityMode::configName));
      if (mode == SecurityMode.PRODUCTION
          && (policy.filter(p -> p == OpcUaSecurityPolicy.NONE).isPresent()
              || securityMode.filter(m -> m == OpcUaSecurityMode.NONE).isPresent())) {
        section.problem(
            policy.isPresent() ? "policy" : "mode",
            "security None is refused in production mode: use Sign or SignAndEncrypt");
      }
      section.rejectUnknownKeys();
    }
    Optional<OpcUaUser> user = device.mapping("user").map(u -> user(u, directory));
    OpcUaServerTrust trust =
        device
            .mapping("trust")
            .map(t -> trust(t, directory, id))
            .orElse(
                new OpcUaServerTrust(
                    List.of(), Set.of(), Optional.of(trustDirectory(directory, id))));
    OpcUaFingerprint fingerprint =
        device
            .mapping("fingerprint")
            .map(OpcUaDeviceReader::fingerprint)
            .orElse(OpcUaFingerprint.none());
    Duration pollInterval = device.duration("pollInterval", Duration.ofSeconds(1));
    Duration timeout = device.duration("timeout", Duration.ofSeconds(5));
    WhileDown whileDown =
        device.choice("whileDown", WhileDown.BAD, WhileDown.values(), w -> w.configName);
    List<OpcUaTag> tags =
        ConfigLoader.tags(device, OpcUaTagReader.COLUMNS, directory, problems, tagFiles);
    device.rejectUnknownKeys();
    if (id.isEmpty() || endpoint.isEmpty() || tags.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          OpcUaDevice.builder(id, endpoint)
              .securityPolicy(policy)
              .securityMode(securityMode)
              .user(user.orElse(OpcUaUser.anonymous()))
              .trust(trust)
              .fingerprint(fingerprint)
              .pollInterval(pollInterval)
              .timeout(timeout)
              .whileDown(whileDown.value)
              .tags(tags)
              .build());
    } catch (IllegalArgumentException e) {
      device.problem(e.getMessage());
      return Optional.empty();
    }
  }

  private static OpcUaUser user(YamlMapping user, Path directory) {
    if (user.has("username")) {
      Optional<String> name = user.requiredString("username");
      Optional<char[]> password = user.secret("password");
      user.rejectUnknownKeys();
      if (name.isEmpty() || password.isEmpty()) {
        return OpcUaUser.anonymous();
      }
      try {
        return new OpcUaUser.UsernamePassword(name.get(), new String(password.get()));
      } finally {
        Arrays.fill(password.get(), '\0');
      }
    }
    if (user.has("certificate")) {
      Optional<Path> certificateFile = user.requiredString("certificate").map(directory::resolve);
      Optional<char[]> keyPem = user.secret("privateKey");
      user.rejectUnknownKeys();
      if (certificateFile.isEmpty() || keyPem.isEmpty()) {
        return OpcUaUser.anonymous();
      }
      Optional<X509Certificate> certificate =
          certificate(user, "certificate", certificateFile.get());
      Optional<PrivateKey> key = privateKey(user, keyPem.get());
      Arrays.fill(keyPem.get(), '\0');
      if (certificate.isPresent() && key.isPresent()) {
        return new OpcUaUser.Certificate(certificate.get(), key.get());
      }
      return OpcUaUser.anonymous();
    }
    user.problem("needs either username and password, or certificate and privateKey");
    user.rejectUnknownKeys();
    return OpcUaUser.anonymous();
  }

  private static OpcUaServerTrust trust(YamlMapping trust, Path directory, String id) {
    List<X509Certificate> certificates = new ArrayList<>();
    List<String> files = trust.strings("certificates", List.of());
    for (int i = 0; i < files.size(); i++) {
      Path file = directory.resolve(files.get(i));
      certificate(trust, "certificates", file).ifPresent(certificates::add);
    }
    Set<String> thumbprints = new LinkedHashSet<>();
    for (String thumbprint : trust.strings("thumbprints", List.of())) {
      String hex = OpcUaServerTrust.normalize(thumbprint);
      if (hex.matches("[0-9a-f]{64}")) {
        thumbprints.add(hex);
      } else {
        trust.problem(
            "thumbprints",
            "'" + thumbprint + "' is not a SHA-256 thumbprint (64 hex digits, ':' allowed)");
      }
    }
    Path trustDirectory =
        trust
            .optionalString("directory")
            .map(directory::resolve)
            .orElse(trustDirectory(directory, id));
    trust.rejectUnknownKeys();
    return new OpcUaServerTrust(certificates, thumbprints, Optional.of(trustDirectory));
  }

  private static OpcUaFingerprint fingerprint(YamlMapping fingerprint) {
    Optional<String> uri = fingerprint.optionalString("applicationUri");
    Optional<String> sha256 =
        fingerprint.optionalString("certificateSha256").map(OpcUaServerTrust::normalize);
    if (sha256.isPresent() && !sha256.get().matches("[0-9a-f]{64}")) {
      fingerprint.problem("certificateSha256", "is not a SHA-256 thumbprint (64 hex digits)");
      sha256 = Optional.empty();
    }
    if (uri.isEmpty() && sha256.isEmpty() && !fingerprint.has("certificateSha256")) {
      fingerprint.problem("needs applicationUri, certificateSha256 or both");
    }
    fingerprint.rejectUnknownKeys();
    return new OpcUaFingerprint(uri, sha256);
  }

  private static Optional<X509Certificate> certificate(YamlMapping section, String key, Path file) {
    try {
      return Optional.of(
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file))));
    } catch (IOException | GeneralSecurityException | ClassCastException e) {
      section.problem(
          key, "file " + file + " is not a readable X.509 certificate: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<PrivateKey> privateKey(YamlMapping user, char[] pem) {
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem)))) {
      Object parsed = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PEMKeyPair pair) {
        return Optional.of(converter.getKeyPair(pair).getPrivate());
      } else if (parsed instanceof PrivateKeyInfo info) {
        return Optional.of(converter.getPrivateKey(info));
      }
    } catch (IOException e) {
      // reported below, without the content
    }
    user.problem("privateKey", "is not an unencrypted PEM private key (PKCS#1 or PKCS#8)");
    return Optional.empty();
  }
}
