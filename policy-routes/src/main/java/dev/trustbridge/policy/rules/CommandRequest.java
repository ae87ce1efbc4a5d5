package dev.trustbridge.policy.rules;

import java.util.Objects;
import java.util.Set;

/**
 * What the policy knows of an authenticated command.
 *
 * @param device the device to write
 * @param tag the tag to write
 * @param value a {@link Boolean}, {@link Long} or {@link Double}
 * @param roles the roles the signer's certificate grants
 * @param signer the signer certificate's subject
 */
public record CommandRequest(
    String device, String tag, Object value, Set<String> roles, String signer) {

  public CommandRequest {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(value, "value");
    roles = Set.copyOf(roles);
    Objects.requireNonNull(signer, "signer");
  }
}
