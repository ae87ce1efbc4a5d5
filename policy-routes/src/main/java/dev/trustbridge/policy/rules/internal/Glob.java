package dev.trustbridge.policy.rules.internal;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Device and tag patterns: {@code *} matches any run of characters, {@code ?} one character. Every
 * sample is matched against them, so the common forms (a name, {@code *}, a prefix or a suffix) are
 * compared directly; only other patterns take a regular expression.
 */
public final class Glob {

  private final List<Predicate<String>> patterns;

  public Glob(List<String> globs) {
    this.patterns = globs.stream().map(Glob::compile).toList();
  }

  private static Predicate<String> compile(String glob) {
    int wildcards = count(glob, '*') + count(glob, '?');
    if (wildcards == 0) {
      return glob::equals;
    }
    if (glob.equals("*")) {
      return name -> true;
    }
    if (wildcards == 1 && glob.endsWith("*")) {
      String prefix = glob.substring(0, glob.length() - 1);
      return name -> name.startsWith(prefix);
    }
    if (wildcards == 1 && glob.startsWith("*")) {
      String suffix = glob.substring(1);
      return name -> name.endsWith(suffix);
    }
    return regex(glob).asMatchPredicate();
  }

  private static int count(String text, char c) {
    return (int) text.chars().filter(ch -> ch == c).count();
  }

  private static Pattern regex(String glob) {
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
    for (Predicate<String> pattern : patterns) {
      if (pattern.test(name)) {
        return true;
      }
    }
    return false;
  }
}
