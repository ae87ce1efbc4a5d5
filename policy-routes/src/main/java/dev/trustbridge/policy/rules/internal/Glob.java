package dev.trustbridge.policy.rules.internal;

import java.util.List;
import java.util.regex.Pattern;

/** Device and tag patterns: {@code *} matches any run of characters, {@code ?} one character. */
public final class Glob {

  private final List<Pattern> patterns;

  public Glob(List<String> globs) {
    this.patterns = globs.stream().map(Glob::compile).toList();
  }

  private static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (!literal.isEmpty()) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  /** Whether any of the patterns matches the whole name. */
  public boolean matches(String name) {
    for (Pattern pattern : patterns) {
      if (pattern.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }
}
