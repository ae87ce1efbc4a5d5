package dev.trustbridge.runtime.config;

/**
 * One thing wrong with the configuration, located precisely enough to fix it without searching.
 *
 * @param file the file, as named to the operator (relative to the configuration directory)
 * @param line 1-based line, or 0 when the problem concerns the file as a whole
 * @param column 1-based column, or 0 when unknown
 * @param field the path of the offending field, e.g. {@code devices[0].tags[2].type}, or {@code ""}
 * @param message what is wrong and, where possible, what would be right
 */
public record ConfigProblem(String file, int line, int column, String field, String message) {

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(file);
    if (line > 0) {
      text.append(':').append(line);
      if (column > 0) {
        text.append(':').append(column);
      }
    }
    text.append(": ");
    if (!field.isEmpty()) {
      text.append(field).append(": ");
    }
    return text.append(message).toString();
  }
}
