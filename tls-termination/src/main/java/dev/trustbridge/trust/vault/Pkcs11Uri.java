package dev.trustbridge.trust.vault;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An RFC 7512 {@code pkcs11:} URI naming a token (and optionally an object) together with the
 * module that serves it, e.g. {@code
 * pkcs11:token=trustbridge;object=gateway-identity?module-path=/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so}.
 *
 * <p>The slot is chosen by {@code slot-id} (RFC 7512) or by our vendor attribute {@code
 * x-slot-index} (the position in the module's list of slots with a token, default 0).
 *
 * @param modulePath the PKCS#11 module ({@code module-path})
 * @param token the token label ({@code token}), if given
 * @param object the object label ({@code object}), if given
 * @param slotId the slot id ({@code slot-id}), if given
 * @param slotIndex the slot list index ({@code x-slot-index}), if given
 */
public record Pkcs11Uri(
    Path modulePath,
    Optional<String> token,
    Optional<String> object,
    OptionalInt slotId,
    OptionalInt slotIndex) {

  private static final String SCHEME = "pkcs11:";

  /**
   * Parses a URI.
   *
   * @throws IllegalArgumentException naming what is wrong; PIN values in the URI are refused
   */
  public static Pkcs11Uri parse(String uri) {
    if (!uri.startsWith(SCHEME)) {
      throw new IllegalArgumentException("'" + uri + "' is not a pkcs11: URI");
    }
    String rest = uri.substring(SCHEME.length());
    int question = rest.indexOf('?');
    Map<String, String> path = attributes(question < 0 ? rest : rest.substring(0, question), ";");
    Map<String, String> query =
        question < 0 ? Map.of() : attributes(rest.substring(question + 1), "&");
    if (query.containsKey("pin-value")) {
      throw new IllegalArgumentException(
          "a pkcs11: URI must not carry pin-value; give the PIN as a reference in the configuration");
    }
    String module = query.get("module-path");
    if (module == null || module.isBlank()) {
      throw new IllegalArgumentException("pkcs11: URI needs ?module-path=<PKCS#11 library>");
    }
    return new Pkcs11Uri(
        Path.of(module),
        Optional.ofNullable(path.get("token")),
        Optional.ofNullable(path.get("object")),
        number(path.get("slot-id"), "slot-id"),
        number(query.get("x-slot-index"), "x-slot-index"));
  }

  private static Map<String, String> attributes(String text, String separator) {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return attributes;
    }
    for (String pair : text.split(separator, -1)) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            "pkcs11: URI attribute '" + pair + "' is not name=value");
      }
      String name = pair.substring(0, equals);
      if (attributes.put(name, decode(pair.substring(equals + 1))) != null) {
        throw new IllegalArgumentException("pkcs11: URI attribute '" + name + "' is given twice");
      }
    }
    return attributes;
  }

  private static String decode(String value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        if (i + 2 >= value.length()) {
          throw new IllegalArgumentException(
              "pkcs11: URI has a truncated %-escape in '" + value + "'");
        }
        try {
          bytes.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("pkcs11: URI has a bad %-escape in '" + value + "'");
        }
        i += 2;
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static OptionalInt number(String value, String name) {
    if (value == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "pkcs11: URI attribute " + name + "='" + value + "' is not a number");
    }
  }

  /**
   * The URI of an object on this token, e.g. the identity key: {@code
   * …;object=<label>;type=private}.
   */
  public String objectUri(String label, String type) {
    StringBuilder uri = new StringBuilder(SCHEME);
    token.ifPresent(t -> uri.append("token=").append(encode(t)).append(';'));
    slotId.ifPresent(id -> uri.append("slot-id=").append(id).append(';'));
    uri.append("object=").append(encode(label)).append(";type=").append(type);
    uri.append("?module-path=").append(encode(modulePath.toString()));
    slotIndex.ifPresent(index -> uri.append("&x-slot-index=").append(index));
    return uri.toString();
  }

  private static String encode(String value) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if (Character.isLetterOrDigit(c) && c < 128 || "-._~/".indexOf(c) >= 0) {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return encoded.toString();
  }
}
