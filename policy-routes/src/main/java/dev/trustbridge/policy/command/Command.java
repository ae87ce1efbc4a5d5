package dev.trustbridge.policy.command;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a signed command asks for: write {@code value} to {@code tag} of {@code device} on one
 * gateway, once ({@code id}), between {@code notBefore} and {@code expires}.
 *
 * @param id unique per command: 1 to 128 letters, digits, {@code .}, {@code _}, {@code :}, {@code
 *     -}
 * @param site the site of the gateway meant
 * @param gateway the gateway meant
 * @param device the device to write
 * @param tag the tag to write
 * @param value a {@link Boolean}, {@link Long} or {@link Double}
 * @param notBefore the command is not executed before this time ({@code nbf}, whole seconds)
 * @param expires the command is not executed at or after this time ({@code exp}, whole seconds)
 */
public record Command(
    String id,
    String site,
    String gateway,
    String device,
    String tag,
    Object value,
    Instant notBefore,
    Instant expires) {

  static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  public Command {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(expires, "expires");
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "command id must be 1 to 128 letters, digits, '.', '_', ':' or '-', was " + id);
    }
    if (!(value instanceof Boolean || value instanceof Long || value instanceof Double)) {
      throw new IllegalArgumentException("command value must be a boolean or a number: " + value);
    }
    if (!expires.isAfter(notBefore)) {
      throw new IllegalArgumentException("command expires " + expires + " before " + notBefore);
    }
  }
}
