package dev.trustbridge.trust.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** Reads and edits envelopes with a plain JSON parser, as an outsider would. */
final class EnvelopeTesting {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EnvelopeTesting() {}

  static String thumbprint(X509Certificate certificate) {
    try {
      return base64Url(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static ObjectNode json(byte[] envelope) {
    try {
      return (ObjectNode) JSON.readTree(envelope);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode protectedHeader(byte[] envelope) {
    return decoded(json(envelope).get("protected").asText());
  }

  static JsonNode payload(byte[] envelope) {
    return decoded(json(envelope).get("payload").asText());
  }

  static String payloadText(byte[] envelope) {
    return new String(
        Base64.getUrlDecoder().decode(json(envelope).get("payload").asText()),
        StandardCharsets.UTF_8);
  }

  /** The envelope with its payload replaced, signature and header untouched. */
  static byte[] withPayload(byte[] envelope, String payload) {
    ObjectNode json = json(envelope);
    json.put("payload", base64Url(payload.getBytes(StandardCharsets.UTF_8)));
    return bytes(json);
  }

  private static JsonNode decoded(String base64Url) {
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(base64Url));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
