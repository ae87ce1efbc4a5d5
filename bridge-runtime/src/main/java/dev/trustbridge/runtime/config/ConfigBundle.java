package dev.trustbridge.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObjectJSON;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.trustbridge.policy.signer.Refusal;
import dev.trustbridge.policy.signer.SignerTrust;
import dev.trustbridge.runtime.config.internal.Problems;
import dev.trustbridge.runtime.config.internal.YamlFiles;
import dev.trustbridge.trust.attest.Measurement;
import dev.trustbridge.trust.vault.PemCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.Load;

/**
 * A signed configuration bundle: {@value #FILE} in the configuration directory, a JWS (flattened
 * JSON, {@code typ} {@value #TYPE}, the signer's chain in {@code x5c}) over a manifest of every
 * file that configures the gateway, with a version that never goes back:
 *
 * <pre>{@code
 * {"v":1,"version":7,"time":"…Z","files":{"trustbridge.yaml":"<sha256>","routes/a.camel.yaml":"…"}}
 * }</pre>
 *
 * With {@code security.requireSignedConfig: true} the gateway starts only if the bundle is signed
 * by a certificate chaining to {@code security.configSigners} and lists exactly the files it loads,
 * each with its digest.
 */
public final class ConfigBundle {

  /** The bundle's file name in the configuration directory. */
  public static final String FILE = "trustbridge.bundle.jws";

  /** The {@code typ} of a bundle. */
  public static final String TYPE = "tb-config-bundle+jws";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ConfigBundle() {}

  /**
   * The files a bundle of {@code directory} covers: {@code trustbridge.yaml}, the route files, the
   * policy files and the CSV tag lists it names.
   *
   * @throws IOException if {@code trustbridge.yaml} cannot be read
   */
  public static List<Path> files(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(directory.resolve(ConfigLoader.MAIN_FILE));
    files.addAll(ConfigLoader.routeFiles(directory, new Problems()));
    try (InputStream in = Files.newInputStream(directory.resolve(ConfigLoader.MAIN_FILE))) {
      Object root = new Load(YamlFiles.settings(ConfigLoader.MAIN_FILE)).loadFromInputStream(in);
      if (root instanceof Map<?, ?> map && map.get("policies") instanceof List<?> policies) {
        for (Object policy : policies) {
          files.add(directory.resolve(String.valueOf(policy)));
        }
      }
      if (root instanceof Map<?, ?> map && map.get("devices") instanceof List<?> devices) {
        for (Object device : devices) {
          if (device instanceof Map<?, ?> fields && fields.get("tagFile") != null) {
            files.add(directory.resolve(String.valueOf(fields.get("tagFile"))));
          }
        }
      }
    }
    return files;
  }

  /** Signs the manifest of {@code files} at {@code version}; returns the bundle's bytes. */
  public static byte[] sign(
      Path directory,
      List<Path> files,
      long version,
      JWSSigner signer,
      JWSAlgorithm algorithm,
      List<X509Certificate> chain)
      throws IOException, JOSEException, CertificateEncodingException {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("v", 1);
    manifest.put("version", version);
    manifest.put("time", Instant.now().toString());
    ObjectNode digests = manifest.putObject("files");
    digests(directory, files).forEach(digests::put);
    List<Base64> x5c = new ArrayList<>();
    for (X509Certificate certificate : chain) {
      x5c.add(Base64.encode(certificate.getEncoded()));
    }
    JWSObjectJSON jws =
        new JWSObjectJSON(new com.nimbusds.jose.Payload(JSON.writeValueAsBytes(manifest)));
    jws.sign(
        new JWSHeader.Builder(algorithm).type(new JOSEObjectType(TYPE)).x509CertChain(x5c).build(),
        signer);
    return JSONObjectUtils.toJSONString(jws.toFlattenedJSONObject())
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Checks the bundle of {@code directory} against the files the gateway loads; each mismatch is a
   * problem of {@value #FILE}.
   *
   * @return the bundle's version, if it is valid
   */
  static OptionalLong check(Path directory, Path signers, List<Path> files, Problems problems) {
    byte[] bundle;
    try {
      bundle = Files.readAllBytes(directory.resolve(FILE));
    } catch (NoSuchFileException e) {
      return problem(
          problems,
          "missing: security.requireSignedConfig needs a signed bundle ('trustbridge config sign')");
    } catch (IOException e) {
      return problem(problems, "cannot be read: " + e.getMessage());
    }
    SignerTrust.Verified verified;
    try {
      verified = new SignerTrust(PemCertificates.read(signers), TYPE).verify(bundle, Instant.now());
    } catch (Refusal e) {
      return problem(problems, "not accepted (" + e.reason() + "): " + e.getMessage());
    } catch (IOException | IllegalArgumentException e) {
      return problem(problems, "its signers " + signers + " cannot be read: " + e.getMessage());
    }
    JsonNode manifest;
    try {
      manifest = JSON.readTree(verified.payload());
    } catch (IOException e) {
      return problem(problems, "its manifest is not JSON: " + e.getMessage());
    }
    JsonNode listed = manifest.get("files");
    JsonNode version = manifest.get("version");
    if (manifest.path("v").asInt() != 1
        || listed == null
        || !listed.isObject()
        || version == null
        || !version.canConvertToLong()) {
      return problem(problems, "its manifest lacks v 1, a version and files");
    }
    Map<String, String> actual;
    try {
      actual = digests(directory, files);
    } catch (IOException e) {
      return problem(problems, "a configured file cannot be read: " + e.getMessage());
    }
    List<String> mismatches = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(actual.keySet());
    listed.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode signed = listed.get(name);
      String digest = actual.get(name);
      if (signed == null) {
        mismatches.add(name + " is not in the signed manifest");
      } else if (digest == null) {
        mismatches.add(name + " is in the signed manifest but not configured");
      } else if (!signed.asText().equals(digest)) {
        mismatches.add(name + " differs from the signed manifest");
      }
    }
    if (!mismatches.isEmpty()) {
      return problem(
          problems, "signed by " + verified.signer() + " but " + String.join("; ", mismatches));
    }
    return OptionalLong.of(version.longValue());
  }

  private static Map<String, String> digests(Path directory, List<Path> files) throws IOException {
    Map<String, String> digests = new TreeMap<>();
    Path base = directory.toAbsolutePath().normalize();
    for (Path file : files) {
      String name =
          base.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
      digests.put(name, Measurement.ofFile(name, file).sha256());
    }
    return digests;
  }

  private static OptionalLong problem(Problems problems, String message) {
    problems.add(new ConfigProblem(FILE, 1, 1, "bundle", message));
    return OptionalLong.empty();
  }
}
