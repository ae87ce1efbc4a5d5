package dev.trustbridge.trust.attest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.SessionKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a gateway publishes on {@code tb/v1/{site}/{gateway}/$attestation}: its event log of
 * measurements, the nonce it answers, and, with a TPM, a quote over the PCR the measurements were
 * extended into, by an attestation key that the signed statement binds to the gateway's identity.
 * Without a TPM the evidence is the event log signed by the identity's session key alone, and says
 * so: {@link Level#SOFTWARE}.
 *
 * <pre>{@code
 * {"v":1,"site":…,"gateway":…,"time":"…Z","nonce":"<base64url>","level":"tpm"|"software","pcr":16,
 *  "events":[{"component":"config:trustbridge.yaml","sha256":"<hex>","time":"…Z"}, …],
 *  "tpm":{"ak":"<base64url SPKI>","quote":"<base64url TPMS_ATTEST>","signature":"<base64url DER>"}}
 * }</pre>
 *
 * signed as a statement of {@code typ} {@value #TYPE} (see {@link SessionKeys#signStatement}).
 */
public record AttestationEvidence(
    String site,
    String gateway,
    Instant time,
    byte[] nonce,
    Level level,
    int pcr,
    List<Event> events,
    Optional<TpmQuote> quote) {

  /** The {@code typ} of the signed evidence. */
  public static final String TYPE = "tb-attestation+jws";

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  public AttestationEvidence {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(level, "level");
    nonce = nonce.clone();
    events = List.copyOf(events);
    Objects.requireNonNull(quote, "quote");
    if ((level == Level.TPM) != quote.isPresent()) {
      throw new IllegalArgumentException("TPM evidence carries a quote, software evidence none");
    }
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  /** How strong the evidence is. */
  public enum Level {
    /** Measurements extended into a TPM PCR and quoted by a TPM attestation key. */
    TPM,
    /** Measurements signed by the identity's session key only: no hardware vouches for them. */
    SOFTWARE
  }

  /** One measurement and when it was taken. */
  public record Event(Measurement measurement, Instant time) {
    public Event {
      Objects.requireNonNull(measurement, "measurement");
      Objects.requireNonNull(time, "time");
    }
  }

  /**
   * A TPM quote with the attestation key that made it.
   *
   * @param attestationKey the key's SubjectPublicKeyInfo, DER
   * @param attest the signed {@code TPMS_ATTEST}
   * @param signature the key's ECDSA signature over it, DER
   */
  public record TpmQuote(byte[] attestationKey, byte[] attest, byte[] signature) {
    public TpmQuote {
      attestationKey = attestationKey.clone();
      attest = attest.clone();
      signature = signature.clone();
    }
  }

  /** The measurements of the event log, in order. */
  public List<Measurement> measurements() {
    return events.stream().map(Event::measurement).toList();
  }

  /** Signs the evidence with the gateway's current session key. */
  public byte[] sign(SessionKeys keys) throws EnvelopeException {
    return keys.signStatement(TYPE, toJson());
  }

  /** The payload, UTF-8 JSON. */
  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 128 * events.size());
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("v", 1);
      json.writeStringField("site", site);
      json.writeStringField("gateway", gateway);
      json.writeStringField("time", time.toString());
      json.writeStringField("nonce", base64.encodeToString(nonce));
      json.writeStringField("level", level.name().toLowerCase(Locale.ROOT));
      json.writeNumberField("pcr", pcr);
      json.writeArrayFieldStart("events");
      for (Event event : events) {
        json.writeStartObject();
        json.writeStringField("component", event.measurement().component());
        json.writeStringField("sha256", event.measurement().sha256());
        json.writeStringField("time", event.time().toString());
        json.writeEndObject();
      }
      json.writeEndArray();
      if (quote.isPresent()) {
        json.writeObjectFieldStart("tpm");
        json.writeStringField("ak", base64.encodeToString(quote.get().attestationKey()));
        json.writeStringField("quote", base64.encodeToString(quote.get().attest()));
        json.writeStringField("signature", base64.encodeToString(quote.get().signature()));
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write evidence to memory", e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a payload written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException naming the member that is missing or wrong
   */
  public static AttestationEvidence fromJson(byte[] payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (IOException e) {
      throw new IllegalArgumentException("evidence is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || root.path("v").asInt() != 1) {
      throw new IllegalArgumentException("evidence is not a JSON object of version 1");
    }
    Level level;
    try {
      level = Level.valueOf(text(root, "level").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("evidence level '" + root.get("level") + "' is unknown");
    }
    List<Event> events = new ArrayList<>();
    JsonNode array = root.get("events");
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("evidence has no 'events' array");
    }
    for (JsonNode event : array) {
      events.add(
          new Event(
              new Measurement(text(event, "component"), text(event, "sha256")),
              instant(event, "time")));
    }
    Optional<TpmQuote> quote = Optional.empty();
    JsonNode tpm = root.get("tpm");
    if (tpm != null) {
      quote =
          Optional.of(new TpmQuote(bytes(tpm, "ak"), bytes(tpm, "quote"), bytes(tpm, "signature")));
    }
    JsonNode pcr = root.get("pcr");
    if (pcr == null || !pcr.isInt()) {
      throw new IllegalArgumentException("evidence has no integer 'pcr'");
    }
    return new AttestationEvidence(
        text(root, "site"),
        text(root, "gateway"),
        instant(root, "time"),
        bytes(root, "nonce"),
        level,
        pcr.intValue(),
        events,
        quote);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("evidence member '" + field + "' is not a string");
    }
    return value.textValue();
  }

  private static Instant instant(JsonNode node, String field) {
    try {
      return Instant.parse(text(node, field));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("evidence member '" + field + "' is not a time", e);
    }
  }

  private static byte[] bytes(JsonNode node, String field) {
    try {
      return Base64.getUrlDecoder().decode(text(node, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("evidence member '" + field + "' is not base64url", e);
    }
  }
}
