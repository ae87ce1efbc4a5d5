package dev.trustbridge.adapters.mqtt.internal;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A topic with {@code {site}}, {@code {gateway}} and {@code {device}} placeholders. Site and
 * gateway are fixed when the template is made; the device is resolved per message.
 */
public final class TopicTemplate {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
  private static final String DEVICE = "{device}";
  private static final Set<String> NAMES = Set.of("site", "gateway", "device");

  private final String template;
  private final String partial;

  private TopicTemplate(String template, String partial) {
    this.template = template;
    this.partial = partial;
  }

  /**
   * A template to publish to: no wildcards; {@code {device}} may remain for {@link #resolve}.
   *
   * @throws IllegalArgumentException on unknown placeholders, wildcards or unusable ids
   */
  public static TopicTemplate forPublish(String template, String site, String gateway) {
    String partial = substituteFixed(template, site, gateway);
    if (partial.contains("+") || partial.contains("#")) {
      throw new IllegalArgumentException(
          "topic '" + template + "' contains a wildcard (+ or #), which a publish cannot use");
    }
    return new TopicTemplate(template, partial);
  }

  /**
   * A subscription filter with site and gateway replaced; wildcards allowed, {@code {device}} not.
   *
   * @throws IllegalArgumentException on {@code {device}}, unknown placeholders or unusable ids
   */
  public static String filter(String template, String site, String gateway) {
    String filter = substituteFixed(template, site, gateway);
    if (filter.contains(DEVICE)) {
      throw new IllegalArgumentException(
          "topic filter '"
              + template
              + "' contains {device}, which only a publish can resolve; subscribe with a"
              + " wildcard such as tb/v1/{site}/{gateway}/+/cmd");
    }
    return filter;
  }

  /** Whether {@link #resolve} needs a device id. */
  public boolean needsDevice() {
    return partial.contains(DEVICE);
  }

  /**
   * The topic for one message.
   *
   * @throws IllegalArgumentException if the template needs a device and there is none, or the
   *     device id cannot be a topic level
   */
  public String resolve(Optional<String> deviceId) {
    if (!needsDevice()) {
      return partial;
    }
    String device =
        deviceId.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "topic '"
                        + template
                        + "' needs {device}: set header TrustBridgeDeviceId or send a"
                        + " SampleBatch body"));
    return partial.replace(DEVICE, level("device id", device));
  }

  @Override
  public String toString() {
    return template;
  }

  private static String substituteFixed(String template, String site, String gateway) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    while (matcher.find()) {
      if (!NAMES.contains(matcher.group(1))) {
        throw new IllegalArgumentException(
            "topic '"
                + template
                + "' has unknown placeholder "
                + matcher.group()
                + "; known: {site}, {gateway}, {device}");
      }
    }
    return template
        .replace("{site}", level("site id", site))
        .replace("{gateway}", level("gateway id", gateway));
  }

  // an id with '/' or a wildcard would publish outside its own topic subtree
  static String level(String what, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty and cannot be a topic level");
    }
    for (char c : value.toCharArray()) {
      if (c == '/' || c == '+' || c == '#' || c == '\0') {
        throw new IllegalArgumentException(
            what + " '" + value + "' cannot be a topic level: it contains '" + c + "'");
      }
    }
    return value;
  }
}
