package dev.trustbridge.runtime.config.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network endpoint given as {@code host:port}, {@code [ipv6]:port} or just {@code host}.
 *
 * @param host a host name or address, without brackets
 * @param port 1..65535
 */
public record HostAndPort(String host, int port) {

  private static final Pattern FORM =
      Pattern.compile(
          "(?:\\[(?<v6>[0-9A-Fa-f:.]+)]|(?<host>[A-Za-z0-9.-]+))(?::(?<port>\\d{1,5}))?");

  /** Parses the text, using {@code defaultPort} when it names no port; empty when malformed. */
  public static Optional<HostAndPort> parse(String text, int defaultPort) {
    Matcher matcher = FORM.matcher(text.strip());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    String host = matcher.group("v6") != null ? matcher.group("v6") : matcher.group("host");
    int port =
        matcher.group("port") == null ? defaultPort : Integer.parseInt(matcher.group("port"));
    if (port < 1 || port > 65535) {
      return Optional.empty();
    }
    return Optional.of(new HostAndPort(host, port));
  }
}
