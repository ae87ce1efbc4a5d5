package dev.trustbridge.runtime.config.internal;

import dev.trustbridge.runtime.config.ConfigProblem;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A device's tags as a CSV file, as PLC and OPC UA engineering tools export them: a header naming
 * the columns (the keys of a tag in {@code trustbridge.yaml}, in any order, see {@link
 * TagColumns}), then one tag per line. An empty cell takes the default; a cell in double quotes may
 * hold commas ({@code ""} is a quote); lines starting with {@code #} and blank lines are skipped.
 * Read line by line: a list of 100,000 tags costs the tags, not a document tree.
 */
public final class CsvTagList {

  private CsvTagList() {}

  /**
   * The tags of the file; problems are recorded with file, line and column.
   *
   * @param name the file as named to the operator
   * @param kind the kind of tag the file lists
   */
  public static <T> List<T> read(Path file, String name, Problems problems, TagColumns<T> kind) {
    List<T> tags = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      List<Cell> header = null;
      Set<String> names = new HashSet<>();
      int lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank() || line.stripLeading().startsWith("#")) {
          continue;
        }
        Optional<List<Cell>> cells = cells(line, name, lineNumber, problems);
        if (cells.isEmpty()) {
          continue;
        }
        if (header == null) {
          header = cells.get();
          if (!headerUsable(header, kind, name, lineNumber, problems)) {
            return List.of();
          }
          continue;
        }
        Row row = new Row(name, lineNumber, problems, new HashMap<>(), "");
        if (cells.get().size() > header.size()) {
          row.problem(
              "has "
                  + cells.get().size()
                  + " cells, the header names "
                  + header.size()
                  + " columns");
          continue;
        }
        for (int i = 0; i < cells.get().size(); i++) {
          row.put(header.get(i).text(), cells.get().get(i));
        }
        kind.reader().read(row, names).ifPresent(tags::add);
      }
      if (header == null) {
        problems.inFile(name, "has no header line naming the columns");
      } else if (tags.isEmpty() && names.isEmpty()) {
        problems.inFile(name, "lists no tag");
      }
    } catch (NoSuchFileException e) {
      problems.inFile(name, "file not found in " + file.toAbsolutePath().getParent());
    } catch (IOException e) {
      problems.inFile(name, "cannot be read: " + e.getMessage());
    }
    return tags;
  }

  private static boolean headerUsable(
      List<Cell> header, TagColumns<?> kind, String name, int line, Problems problems) {
    int known = problems.size();
    Set<String> seen = new HashSet<>();
    for (Cell column : header) {
      if (!kind.names().contains(column.text())) {
        problems.add(
            new ConfigProblem(
                name,
                line,
                column.column(),
                "",
                "unknown column '"
                    + column.text()
                    + "' (expected: "
                    + String.join(", ", kind.names())
                    + ")"));
      } else if (!seen.add(column.text())) {
        problems.add(
            new ConfigProblem(
                name, line, column.column(), "", "column '" + column.text() + "' is named twice"));
      }
    }
    for (String required : kind.names()) {
      if (kind.required().contains(required) && !seen.contains(required)) {
        problems.add(
            new ConfigProblem(name, line, 1, "", "the header lacks the column '" + required + "'"));
      }
    }
    return problems.size() == known;
  }

  /** A cell's text, unquoted, and the 1-based column where it starts. */
  private record Cell(String text, int column) {}

  private static Optional<List<Cell>> cells(
      String line, String name, int lineNumber, Problems problems) {
    List<Cell> cells = new ArrayList<>();
    int i = 0;
    while (true) {
      int start = i;
      StringBuilder text = new StringBuilder();
      if (i < line.length() && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= line.length()) {
            problems.add(
                new ConfigProblem(name, lineNumber, start + 1, "", "a quoted cell is not closed"));
            return Optional.empty();
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              text.append('"');
              i++;
            } else {
              break;
            }
          } else {
            text.append(c);
          }
        }
        if (i < line.length() && line.charAt(i) != ',') {
          problems.add(
              new ConfigProblem(
                  name,
                  lineNumber,
                  i + 1,
                  "",
                  "a quoted cell must end at a comma or the line end"));
          return Optional.empty();
        }
      } else {
        while (i < line.length() && line.charAt(i) != ',') {
          text.append(line.charAt(i++));
        }
      }
      cells.add(new Cell(text.toString().strip(), start + 1));
      if (i >= line.length()) {
        return Optional.of(cells);
      }
      i++; // the comma
    }
  }

  /**
   * One line of the list, read through the same rules as a tag in YAML; or the cells of one of its
   * sections, the columns {@code section.key}, as a nested mapping is in YAML.
   */
  private static final class Row implements Fields {

    private final String file;
    private final int line;
    private final Problems problems;
    private final Map<String, Cell> cells;
    private final String prefix;

    /**
     * @param cells the row's non-empty cells by column, shared with its sections
     * @param prefix what the keys are prefixed with to name a column: empty, or {@code section.}
     */
    Row(String file, int line, Problems problems, Map<String, Cell> cells, String prefix) {
      this.file = file;
      this.line = line;
      this.problems = problems;
      this.cells = cells;
      this.prefix = prefix;
    }

    void put(String column, Cell cell) {
      if (!cell.text().isEmpty()) {
        cells.put(column, cell);
      }
    }

    @Override
    public Optional<String> optionalString(String key) {
      return Optional.ofNullable(cells.get(prefix + key)).map(Cell::text);
    }

    @Override
    public boolean has(String key) {
      return cells.containsKey(prefix + key);
    }

    /** The columns {@code key.*} of this row; empty when all their cells are. */
    @Override
    public Optional<Fields> section(String key) {
      String columns = prefix + key + ".";
      if (cells.keySet().stream().noneMatch(column -> column.startsWith(columns))) {
        return Optional.empty();
      }
      return Optional.of(new Row(file, line, problems, cells, columns));
    }

    /** Nothing to do: the header has checked the columns once for all rows. */
    @Override
    public void rejectUnknownKeys() {}

    /** At the line's first column, or for a section at its first non-empty cell. */
    @Override
    public void problem(String message) {
      int column =
          prefix.isEmpty()
              ? 1
              : cells.entrySet().stream()
                  .filter(cell -> cell.getKey().startsWith(prefix))
                  .mapToInt(cell -> cell.getValue().column())
                  .min()
                  .orElse(1);
      String field = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
      problems.add(new ConfigProblem(file, line, column, field, message));
    }

    @Override
    public void problem(String key, String message) {
      Cell cell = cells.get(prefix + key);
      problems.add(
          new ConfigProblem(file, line, cell == null ? 1 : cell.column(), prefix + key, message));
    }
  }
}
