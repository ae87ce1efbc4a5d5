package dev.trustbridge.policy.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObjectJSON;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.trustbridge.policy.signer.SignerTrust;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command and command result formats: JWS flattened JSON (RFC 7515 §7.2.2) like envelopes.
 *
 * <p>A command has the protected header {@code alg} (ES256, ES384, PS256 or RS256), {@code typ}
 * {@value #TYPE} and {@code x5c}, the signer's certificate chain up to (not necessarily including)
 * the operator CA, and the payload
 *
 * <pre>{@code
 * {"v":1,"id":"…","site":"…","gateway":"…","device":"…","tag":"…","value":true|42|21.5,
 *  "nbf":<seconds since epoch>,"exp":<seconds since epoch>}
 * }</pre>
 *
 * A result is signed by the gateway's session key ({@code typ} {@value #RESULT_TYPE}, chain in
 * {@code x5c} up to the fleet CA) with the payload
 *
 * <pre>{@code
 * {"v":1,"id":"…"|null,"site":"…","gateway":"…","device":"…","tag":"…"|null,
 *  "status":"done"|"refused"|"failed","reason":"…","detail":"…","answer":"…"|null,
 *  "rule":"…"|null,"time":"…Z"}
 * }</pre>
 */
public final class CommandFormat {

  /** The {@code typ} of a command. */
  public static final String TYPE = "tb-command+jws";

  /** The {@code typ} of a command result. */
  public static final String RESULT_TYPE = "tb-command-result+jws";

  /** Where commands for a device arrive. */
  public static final String TOPIC = "tb/v1/{site}/{gateway}/{device}/cmd";

  /** Where the gateway publishes each command's result. */
  public static final String RESULT_TOPIC = "tb/v1/{site}/{gateway}/{device}/cmd/result";

  static final int MAX_BYTES = 64 * 1024;

  private static final Set<String> MEMBERS =
      Set.of("v", "id", "site", "gateway", "device", "tag", "value", "nbf", "exp");
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private CommandFormat() {}

  /**
   * Signs a command.
   *
   * @param signer signs with the key of {@code chain.get(0)}
   * @param chain the signer's certificate, then its issuers
   * @return the JWS, UTF-8 JSON
   */
  public static byte[] sign(
      Command command, JWSSigner signer, JWSAlgorithm algorithm, List<X509Certificate> chain)
      throws JOSEException {
    if (!SignerTrust.ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException("commands are not signed with " + algorithm);
    }
    List<Base64> x5c = new ArrayList<>();
    for (X509Certificate certificate : chain) {
      try {
        x5c.add(Base64.encode(certificate.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException(
            "cannot encode " + certificate.getSubjectX500Principal(), e);
      }
    }
    JWSObjectJSON jws = new JWSObjectJSON(new Payload(payload(command)));
    jws.sign(
        new JWSHeader.Builder(algorithm).type(new JOSEObjectType(TYPE)).x509CertChain(x5c).build(),
        signer);
    return JSONObjectUtils.toJSONString(jws.toFlattenedJSONObject())
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The payload of a command, UTF-8 JSON. */
  public static byte[] payload(Command command) {
    ObjectNode node = JSON.createObjectNode();
    node.put("v", 1);
    node.put("id", command.id());
    node.put("site", command.site());
    node.put("gateway", command.gateway());
    node.put("device", command.device());
    node.put("tag", command.tag());
    if (command.value() instanceof Boolean bit) {
      node.put("value", bit);
    } else if (command.value() instanceof Long whole) {
      node.put("value", whole);
    } else {
      node.put("value", (Double) command.value());
    }
    node.put("nbf", command.notBefore().getEpochSecond());
    node.put("exp", command.expires().getEpochSecond());
    return bytes(node);
  }

  /**
   * Reads a command payload strictly: unknown, missing or duplicate members, wrong types and
   * trailing data are refused.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Command readPayload(byte[] payload) {
    JsonNode node;
    try {
      node = JSON.readTree(payload);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("payload is not JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("payload is not a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!MEMBERS.contains(name)) {
        throw new IllegalArgumentException("payload has unknown member '" + name + "'");
      }
    }
    for (String member : MEMBERS) {
      if (!node.has(member) || node.get(member).isNull()) {
        throw new IllegalArgumentException("payload lacks '" + member + "'");
      }
    }
    if (!node.get("v").isIntegralNumber() || node.get("v").asLong() != 1) {
      throw new IllegalArgumentException("payload version " + node.get("v") + " is not 1");
    }
    JsonNode value = node.get("value");
    Object parsed;
    if (value.isBoolean()) {
      parsed = value.booleanValue();
    } else if (value.isIntegralNumber() && value.canConvertToLong()) {
      parsed = value.longValue();
    } else if (value.isFloatingPointNumber() && Double.isFinite(value.doubleValue())) {
      parsed = value.doubleValue();
    } else {
      throw new IllegalArgumentException("'value' must be true, false or a number");
    }
    return new Command(
        text(node, "id"),
        text(node, "site"),
        text(node, "gateway"),
        text(node, "device"),
        text(node, "tag"),
        parsed,
        Instant.ofEpochSecond(seconds(node, "nbf")),
        Instant.ofEpochSecond(seconds(node, "exp")));
  }

  private static String text(JsonNode node, String member) {
    if (!node.get(member).isTextual()) {
      throw new IllegalArgumentException("'" + member + "' must be a string");
    }
    return node.get(member).textValue();
  }

  private static long seconds(JsonNode node, String member) {
    JsonNode value = node.get(member);
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
      throw new IllegalArgumentException("'" + member + "' must be whole seconds since 1970");
    }
    return value.longValue();
  }

  /**
   * The {@code id} of a command message that is not necessarily signed or valid: of a JWS's payload
   * or of a bare JSON command; empty when there is none that is a valid id.
   */
  static Optional<String> peekId(byte[] message) {
    try {
      JsonNode node = JSON.readTree(message);
      if (node != null && node.has("payload") && node.get("payload").isTextual()) {
        node = JSON.readTree(Base64URL.from(node.get("payload").textValue()).decode());
      }
      if (node != null && node.has("id") && node.get("id").isTextual()) {
        String id = node.get("id").textValue();
        return Command.ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
      }
    } catch (java.io.IOException | RuntimeException e) {
      // nothing to match the refusal by
    }
    return Optional.empty();
  }

  /** The payload of a result, UTF-8 JSON. */
  public static byte[] resultPayload(CommandOutcome outcome, String site, String gateway) {
    ObjectNode node = JSON.createObjectNode();
    node.put("v", 1);
    node.put("id", outcome.id().orElse(null));
    node.put("site", site);
    node.put("gateway", gateway);
    node.put("device", outcome.device());
    node.put("tag", outcome.tag().orElse(null));
    node.put("status", outcome.status().wireName());
    node.put("reason", outcome.reason());
    node.put("detail", outcome.detail());
    node.put("answer", outcome.answer().orElse(null));
    node.put("rule", outcome.rule().orElse(null));
    node.put("time", outcome.time().toString());
    return bytes(node);
  }

  /**
   * The payload of a signed result as a JSON tree, for tools that show it; the signature is not
   * checked here.
   *
   * @throws IllegalArgumentException if the message is not a JWS with a JSON payload
   */
  public static JsonNode readResult(byte[] message) {
    try {
      JWSObjectJSON jws = JWSObjectJSON.parse(new String(message, StandardCharsets.UTF_8));
      return JSON.readTree(jws.getPayload().toBytes());
    } catch (java.text.ParseException | java.io.IOException e) {
      throw new IllegalArgumentException("not a signed command result: " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
