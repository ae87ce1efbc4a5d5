package dev.trustbridge.runtime.config.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/** Parses configuration files into YAML node trees that remember their line numbers. */
public final class YamlFiles {

  private YamlFiles() {}

  /**
   * The single document of a file; empty, with a problem recorded, when the file is missing,
   * unreadable, not YAML or empty.
   *
   * @param name how problems name the file
   */
  public static Optional<Node> parse(Path file, String name, Problems problems) {
    int known = problems.size();
    List<Node> documents = parseAll(file, name, problems);
    if (documents.size() > 1) {
      problems.at(name, documents.get(1).getStartMark(), "", "holds more than one YAML document");
    }
    if (documents.isEmpty() && problems.size() == known) {
      problems.inFile(name, "is empty");
    }
    return documents.stream().findFirst();
  }

  /**
   * The largest file read, in Unicode code points: a plant's tag lists run to megabytes (100,000
   * Modbus tags are about 7 MB), beyond the parser's default of 3 MiB.
   */
  private static final int MAX_CODE_POINTS = 64 << 20;

  /** How configuration files are parsed: labelled with their name, up to the size limit. */
  public static LoadSettings settings(String name) {
    return LoadSettings.builder().setLabel(name).setCodePointLimit(MAX_CODE_POINTS).build();
  }

  /** Every document of a file; empty, with a problem recorded, when unusable. */
  public static List<Node> parseAll(Path file, String name, Problems problems) {
    LoadSettings settings = settings(name);
    List<Node> documents = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      new Compose(settings).composeAllFromReader(reader).forEach(documents::add);
    } catch (NoSuchFileException e) {
      problems.inFile(name, "file not found in " + file.toAbsolutePath().getParent());
    } catch (IOException e) {
      problems.inFile(name, "cannot be read: " + e.getMessage());
    } catch (MarkedYamlEngineException e) {
      problems.at(name, e.getProblemMark(), "", "is not valid YAML: " + e.getProblem());
      documents.clear();
    } catch (YamlEngineException e) {
      problems.inFile(name, "is not valid YAML: " + e.getMessage());
      documents.clear();
    }
    return documents;
  }
}
