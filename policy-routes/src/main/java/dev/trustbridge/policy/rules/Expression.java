package dev.trustbridge.policy.rules;

import java.util.Objects;

/**
 * A CEL condition as written in a policy file, with the place its text starts, so that a syntax or
 * type error points at the character in the file.
 *
 * @param source the CEL text
 * @param file the policy file as named to the operator
 * @param line 1-based line of the text's first character
 * @param column 1-based column of the text's first character; later lines of a block scalar are
 *     taken to start at the same column
 */
public record Expression(String source, String file, int line, int column) {

  public Expression {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(file, "file");
  }
}
