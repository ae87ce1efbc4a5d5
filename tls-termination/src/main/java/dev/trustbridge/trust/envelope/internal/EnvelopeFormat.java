package dev.trustbridge.trust.envelope.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObjectJSON;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.DroppedEnvelopes;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.StreamId;
import dev.trustbridge.trust.envelope.VerificationResult.Failure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The envelope format: JWS flattened JSON serialization, ES256, protected header {@code alg},
 * {@code typ}, {@code kid} and {@code x5c} or {@code x5t#S256}; payload
 *
 * <pre>{@code
 * {"v":1,"site":…,"gateway":…,"device":…,"epoch":…,"seq":…,"prev":…|null,"time":"…Z",
 *  "samples":[{"tag":…,"value":true|42|21.5|null,"quality":"GOOD"|"UNCERTAIN"|"BAD","sourceTime":"…Z",
 *               "unit":…}],
 *  "dropped":{"from":…,"to":…,"count":…,"reason":…}}
 * }</pre>
 *
 * where {@code dropped} is present only in a drop notice, whose {@code samples} are empty.
 *
 * <p>Reading is strict: unknown or duplicate members, wrong types and trailing data are rejected,
 * so that no two parsers can read one envelope differently.
 */
public final class EnvelopeFormat {

  /** The {@code typ} of every envelope. */
  static final String TYPE = "tb-envelope+jws";

  static final Provider BC = BouncyCastleProviderSingleton.getInstance();

  private static final long VERSION = 1;
  private static final int MAX_BYTES = 1 << 20;
  private static final Set<String> MEMBERS = Set.of("protected", "payload", "signature");
  private static final java.util.Base64.Encoder BASE64URL =
      java.util.Base64.getUrlEncoder().withoutPadding();
  private static final byte[] DOT = ascii(".");
  // the flattened serialization written by hand, members in the documented order
  private static final byte[] PROTECTED_OPEN = ascii("{\"protected\":\"");
  private static final byte[] PAYLOAD_OPEN = ascii("\",\"payload\":\"");
  private static final byte[] SIGNATURE_OPEN = ascii("\",\"signature\":\"");
  private static final byte[] ENVELOPE_CLOSE = ascii("\"}");
  private static final Set<String> HEADER_PARAMETERS =
      Set.of("alg", "typ", "kid", "x5c", "x5t#S256");
  private static final Set<String> PAYLOAD_FIELDS =
      Set.of("v", "site", "gateway", "device", "epoch", "seq", "prev", "time", "samples");
  private static final Set<String> NOTICE_FIELDS = withDropped();
  private static final Set<String> DROPPED_FIELDS = Set.of("from", "to", "count", "reason");
  private static final Set<String> SAMPLE_FIELDS =
      Set.of("tag", "value", "quality", "sourceTime", "unit");
  // a sample's field names, encoded once instead of for every sample
  private static final SerializedString SAMPLE_TAG = new SerializedString("tag");
  private static final SerializedString SAMPLE_VALUE = new SerializedString("value");
  private static final SerializedString SAMPLE_QUALITY = new SerializedString("quality");
  private static final SerializedString SAMPLE_SOURCE_TIME = new SerializedString("sourceTime");
  private static final SerializedString SAMPLE_UNIT = new SerializedString("unit");
  private static final Pattern HASH = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final JsonMapper JSON =
      // buffers shared by all threads: per-thread ones cost 8 KB for each device's poll thread
      JsonMapper.builder(
              JsonFactory.builder()
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // shortest round-tripping digits (Schubfach), several times faster than Double.toString
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .build();

  private EnvelopeFormat() {}

  /**
   * What a payload says.
   *
   * @param prev the previous envelope's hash, {@code null} for the first envelope of a stream
   */
  public record Payload(
      StreamId stream,
      long epoch,
      long seq,
      String prev,
      Instant time,
      List<EnvelopeSample> samples,
      Optional<DroppedEnvelopes> dropped) {
    public Payload {
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(dropped, "dropped");
      samples = List.copyOf(samples);
      if (dropped.isPresent() && !samples.isEmpty()) {
        throw new IllegalArgumentException("a drop notice carries no samples");
      }
    }

    /** A payload of samples. */
    public Payload(
        StreamId stream,
        long epoch,
        long seq,
        String prev,
        Instant time,
        List<EnvelopeSample> samples) {
      this(stream, epoch, seq, prev, time, samples, Optional.empty());
    }
  }

  /**
   * A signed envelope.
   *
   * @param bytes the flattened JWS, UTF-8
   * @param hash base64url SHA-256 of the signing input
   */
  public record Signed(byte[] bytes, String hash) {}

  /**
   * An envelope taken apart, nothing verified yet.
   *
   * @param x5c the embedded chain, empty when the header names it by thumbprint
   */
  record Parsed(
      JWSHeader header,
      String kid,
      List<Base64> x5c,
      byte[] payload,
      String signingInput,
      Base64URL signature) {}

  /** Signs a payload with a session key. */
  public static Signed sign(SessionKey key, ChainMode mode, Payload payload) {
    return sign(key, mode, writePayload(payload));
  }

  /**
   * Signs payload bytes as they are, well-formed or not. Written by hand rather than through the
   * JOSE library: its base64url coder, its JSON writer and Bouncy Castle's SHA-256 took most of the
   * time of a large envelope, and the signature's SHA-256 is the envelope's hash, computed once.
   */
  public static Signed sign(SessionKey key, ChainMode mode, byte[] payload) {
    byte[] header = key.header(mode).toBase64URL().toString().getBytes(StandardCharsets.US_ASCII);
    byte[] encodedPayload = BASE64URL.encode(payload);
    // the signing input is hashed in its parts rather than copied together: the payload is large
    byte[] digest = sha256(header, DOT, encodedPayload);
    byte[] signature = BASE64URL.encode(key.signDigest(digest));
    byte[] envelope =
        concat(
            PROTECTED_OPEN,
            header,
            PAYLOAD_OPEN,
            encodedPayload,
            SIGNATURE_OPEN,
            signature,
            ENVELOPE_CLOSE);
    return new Signed(envelope, BASE64URL.encodeToString(digest));
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  /**
   * Signs a statement of the gateway other than an envelope, with its own {@code typ} and the chain
   * always embedded, so that it verifies on its own.
   */
  public static byte[] signStatement(SessionKey key, String type, byte[] payload) {
    JWSObjectJSON jws = new JWSObjectJSON(new com.nimbusds.jose.Payload(payload));
    try {
      jws.sign(key.statementHeader(type), key.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("session key " + key + " cannot sign", e);
    }
    return JSONObjectUtils.toJSONString(jws.toFlattenedJSONObject())
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Base64url SHA-256 of the ASCII signing input: an envelope's hash. */
  static String hash(String signingInput) {
    return Base64URL.encode(sha256(signingInput.getBytes(StandardCharsets.US_ASCII))).toString();
  }

  /** Base64url SHA-256 of the certificate's DER: {@code kid} and {@code x5t#S256}. */
  static Base64URL thumbprint(X509Certificate certificate) {
    try {
      return Base64URL.encode(sha256(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException(
          "cannot encode " + certificate.getSubjectX500Principal(), e);
    }
  }

  private static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Takes an envelope apart and checks its header. */
  static Parsed parse(byte[] envelope) throws Rejection {
    return parse(envelope, TYPE);
  }

  /** Takes a JWS of this family with {@code typ} {@code type} apart and checks its header. */
  static Parsed parse(byte[] envelope, String type) throws Rejection {
    if (envelope.length > MAX_BYTES) {
      throw malformed("envelope of " + envelope.length + " bytes, more than " + MAX_BYTES);
    }
    JWSObjectJSON jws;
    try {
      Map<String, Object> members =
          JSONObjectUtils.parse(new String(envelope, StandardCharsets.UTF_8));
      if (!members.keySet().equals(MEMBERS)) {
        throw malformed(
            "members "
                + members.keySet()
                + " are not those of a flattened JWS with protected header only "
                + MEMBERS);
      }
      jws = JWSObjectJSON.parse(members);
    } catch (ParseException e) {
      throw malformed("not a flattened JWS: " + e.getMessage());
    }
    JWSObjectJSON.Signature signature = jws.getSignatures().get(0);
    JWSHeader header = signature.getHeader();
    if (!HEADER_PARAMETERS.containsAll(header.getIncludedParams())) {
      throw malformed(
          "header parameters " + header.getIncludedParams() + " beyond " + HEADER_PARAMETERS);
    }
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw malformed("alg " + header.getAlgorithm() + " is not ES256");
    }
    if (!new JOSEObjectType(type).equals(header.getType())) {
      throw malformed("typ " + header.getType() + " is not " + type);
    }
    String kid = header.getKeyID();
    if (kid == null || !HASH.matcher(kid).matches()) {
      throw malformed("kid " + kid + " is not a base64url SHA-256 thumbprint");
    }
    List<Base64> x5c = header.getX509CertChain();
    Base64URL x5t = header.getX509CertSHA256Thumbprint();
    if ((x5c == null) == (x5t == null)) {
      throw malformed("the header must carry either x5c or x5t#S256");
    }
    if (x5t != null && !kid.equals(x5t.toString())) {
      throw malformed("kid " + kid + " differs from x5t#S256 " + x5t);
    }
    if (x5c != null) {
      if (x5c.isEmpty()) {
        throw malformed("x5c is empty");
      }
      String first = Base64URL.encode(sha256(x5c.get(0).decode())).toString();
      if (!kid.equals(first)) {
        throw malformed("kid " + kid + " is not the thumbprint of x5c[0], " + first);
      }
    }
    return new Parsed(
        header,
        kid,
        x5c == null ? List.of() : List.copyOf(x5c),
        jws.getPayload().toBytes(),
        header.toBase64URL() + "." + jws.getPayload().toBase64URL(),
        signature.getSignature());
  }

  static byte[] writePayload(Payload payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 128 * payload.samples().size());
    try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("v", VERSION);
      json.writeStringField("site", payload.stream().site());
      json.writeStringField("gateway", payload.stream().gateway());
      json.writeStringField("device", payload.stream().device());
      json.writeNumberField("epoch", payload.epoch());
      json.writeNumberField("seq", payload.seq());
      json.writeStringField("prev", payload.prev());
      json.writeStringField("time", payload.time().toString());
      json.writeArrayFieldStart("samples");
      // the samples of one poll share their time: formatted once, not per sample
      Instant lastTime = null;
      String lastTimeText = null;
      for (EnvelopeSample sample : payload.samples()) {
        json.writeStartObject();
        json.writeFieldName(SAMPLE_TAG);
        json.writeString(sample.tag());
        json.writeFieldName(SAMPLE_VALUE);
        if (sample.value() instanceof Boolean flag) {
          json.writeBoolean(flag);
        } else if (sample.value() instanceof Long number) {
          json.writeNumber(number);
        } else if (sample.value() instanceof Double number) {
          json.writeNumber(number);
        } else {
          json.writeNull();
        }
        json.writeFieldName(SAMPLE_QUALITY);
        json.writeString(sample.quality());
        if (!sample.sourceTime().equals(lastTime)) {
          lastTime = sample.sourceTime();
          lastTimeText = lastTime.toString();
        }
        json.writeFieldName(SAMPLE_SOURCE_TIME);
        json.writeString(lastTimeText);
        json.writeFieldName(SAMPLE_UNIT);
        json.writeString(sample.unit());
        json.writeEndObject();
      }
      json.writeEndArray();
      if (payload.dropped().isPresent()) {
        DroppedEnvelopes dropped = payload.dropped().get();
        json.writeObjectFieldStart("dropped");
        json.writeNumberField("from", dropped.fromSeq());
        json.writeNumberField("to", dropped.toSeq());
        json.writeNumberField("count", dropped.count());
        json.writeStringField("reason", dropped.reason());
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a payload to memory", e);
    }
    return out.toByteArray();
  }

  /** What every statement's payload names: who made it, and when. */
  record StatementHeader(String site, String gateway, Instant time) {}

  /** Reads {@code site}, {@code gateway} and {@code time} from a statement's JSON payload. */
  static StatementHeader readStatementHeader(byte[] payload) throws Rejection {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (IOException e) {
      throw malformed("payload is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw malformed("payload is not a JSON object");
    }
    for (String field : List.of("site", "gateway", "time")) {
      if (!root.has(field)) {
        throw malformed("payload lacks '" + field + "'");
      }
    }
    return new StatementHeader(text(root, "site"), text(root, "gateway"), instant(root, "time"));
  }

  static Payload readPayload(byte[] payload) throws Rejection {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (IOException e) {
      throw malformed("payload is not JSON: " + e.getMessage());
    }
    requireFields(root, root.has("dropped") ? NOTICE_FIELDS : PAYLOAD_FIELDS, "payload");
    if (!root.get("v").isIntegralNumber() || root.get("v").asLong() != VERSION) {
      throw malformed("payload version " + root.get("v") + " is not " + VERSION);
    }
    long seq = positive(root, "seq");
    JsonNode prevNode = root.get("prev");
    String prev = null;
    if (!prevNode.isNull()) {
      prev = text(root, "prev");
      if (!HASH.matcher(prev).matches()) {
        throw malformed("prev " + prev + " is not a base64url SHA-256");
      }
    }
    if ((prev == null) != (seq == 1)) {
      throw malformed("prev must be null exactly for seq 1, seq is " + seq);
    }
    List<EnvelopeSample> samples = new ArrayList<>();
    JsonNode array = root.get("samples");
    if (!array.isArray()) {
      throw malformed("samples is not an array");
    }
    for (JsonNode node : array) {
      samples.add(sample(node, samples.size()));
    }
    Optional<DroppedEnvelopes> dropped =
        root.has("dropped") ? Optional.of(dropped(root.get("dropped"))) : Optional.empty();
    if (dropped.isPresent() && !samples.isEmpty()) {
      throw malformed("a drop notice carries samples");
    }
    return new Payload(
        new StreamId(text(root, "site"), text(root, "gateway"), text(root, "device")),
        positive(root, "epoch"),
        seq,
        prev,
        instant(root, "time"),
        samples,
        dropped);
  }

  private static DroppedEnvelopes dropped(JsonNode node) throws Rejection {
    requireFields(node, DROPPED_FIELDS, "dropped");
    try {
      return new DroppedEnvelopes(
          positive(node, "from"),
          positive(node, "to"),
          positive(node, "count"),
          text(node, "reason"));
    } catch (IllegalArgumentException e) {
      throw malformed("dropped: " + e.getMessage());
    }
  }

  private static Set<String> withDropped() {
    Set<String> fields = new java.util.HashSet<>(PAYLOAD_FIELDS);
    fields.add("dropped");
    return Set.copyOf(fields);
  }

  private static EnvelopeSample sample(JsonNode node, int index) throws Rejection {
    String where = "samples[" + index + "]";
    requireFields(node, SAMPLE_FIELDS, where);
    JsonNode value = node.get("value");
    Object decoded;
    if (value.isNull()) {
      decoded = null;
    } else if (value.isBoolean()) {
      decoded = value.booleanValue();
    } else if (value.isIntegralNumber() && value.canConvertToLong()) {
      decoded = value.longValue();
    } else if (value.isFloatingPointNumber()) {
      decoded = value.doubleValue();
    } else {
      throw malformed(
          where + ".value " + value + " is not a boolean, 64-bit integer, number or null");
    }
    JsonNode unit = node.get("unit");
    if (!unit.isTextual()) {
      throw malformed(where + ".unit is not a string");
    }
    try {
      return new EnvelopeSample(
          text(node, "tag"),
          decoded,
          text(node, "quality"),
          instant(node, "sourceTime"),
          unit.textValue());
    } catch (IllegalArgumentException e) {
      throw malformed(where + ": " + e.getMessage());
    }
  }

  private static void requireFields(JsonNode node, Set<String> fields, String where)
      throws Rejection {
    if (!node.isObject()) {
      throw malformed(where + " is not a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw malformed(where + " has an unknown member '" + name + "'");
      }
    }
    if (node.size() != fields.size()) {
      throw malformed(where + " lacks members of " + fields);
    }
  }

  private static String text(JsonNode node, String field) throws Rejection {
    JsonNode value = node.get(field);
    if (!value.isTextual() || value.textValue().isEmpty()) {
      throw malformed(field + " is not a non-empty string");
    }
    return value.textValue();
  }

  private static long positive(JsonNode node, String field) throws Rejection {
    JsonNode value = node.get(field);
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1) {
      throw malformed(field + " " + value + " is not a positive 64-bit integer");
    }
    return value.longValue();
  }

  private static Instant instant(JsonNode node, String field) throws Rejection {
    String text = text(node, field);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw malformed(field + " '" + text + "' is not an ISO-8601 UTC time");
    }
  }

  private static Rejection malformed(String detail) {
    return new Rejection(Failure.MALFORMED, detail);
  }
}
