package dev.trustbridge.runtime.config.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${env:NAME}} (an environment variable), {@code ${file:PATH}} (the content of a
 * file, relative to the configuration directory, without its trailing line break) and {@code
 * ${credential:NAME}} (a systemd credential: the file NAME in {@code $CREDENTIALS_DIRECTORY}) in
 * configuration values. Secrets are given only as such references so that no secret is stored in a
 * config file.
 */
public final class Substitution {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file|credential):([^}]*)}");

  private final Map<String, String> environment;
  private final Path baseDirectory;

  public Substitution(Map<String, String> environment, Path baseDirectory) {
    this.environment = Map.copyOf(environment);
    this.baseDirectory = baseDirectory;
  }

  /** Thrown when a reference cannot be resolved; the message names the reference, never a value. */
  public static final class UnresolvedReference extends Exception {
    private static final long serialVersionUID = 1L;

    UnresolvedReference(String message) {
      super(message);
    }
  }

  /** Whether the whole value is exactly one reference. */
  public static boolean isSingleReference(String value) {
    return REFERENCE.matcher(value.strip()).matches();
  }

  /** The value with every reference replaced. */
  public String resolve(String value) throws UnresolvedReference {
    Matcher matcher = REFERENCE.matcher(value);
    StringBuilder resolved = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(
          resolved, Matcher.quoteReplacement(lookUp(matcher.group(1), matcher.group(2))));
    }
    matcher.appendTail(resolved);
    return resolved.toString();
  }

  private String lookUp(String kind, String name) throws UnresolvedReference {
    if (name.isBlank()) {
      throw new UnresolvedReference("${" + kind + ":} names nothing");
    }
    if (kind.equals("env")) {
      String value = environment.get(name);
      if (value == null) {
        throw new UnresolvedReference("environment variable " + name + " is not set");
      }
      return value;
    }
    Path file;
    if (kind.equals("credential")) {
      String credentials = environment.get("CREDENTIALS_DIRECTORY");
      if (credentials == null) {
        throw new UnresolvedReference(
            "${credential:"
                + name
                + "} needs CREDENTIALS_DIRECTORY (set by systemd LoadCredential=)");
      }
      file = Path.of(credentials).resolve(name);
    } else {
      file = baseDirectory.resolve(name);
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      throw new UnresolvedReference(
          "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
