package dev.trustbridge.trust.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The digests a release allows for each component, as computed in the release pipeline:
 *
 * <pre>{@code
 * {"v":1,"components":{"config:trustbridge.yaml":["<sha256 hex>"],"jar:camel-core-4.18.0.jar":[…]}}
 * }</pre>
 *
 * A component may have several allowed digests (a configuration rolled out in two versions).
 */
public record GoldenSet(Map<String, Set<String>> components) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  public GoldenSet {
    Map<String, Set<String>> copy = new TreeMap<>();
    components.forEach((name, digests) -> copy.put(name, Set.copyOf(digests)));
    components = Map.copyOf(copy);
  }

  /** The golden set of exactly these measurements. */
  public static GoldenSet of(List<Measurement> measurements) {
    Map<String, Set<String>> components = new TreeMap<>();
    for (Measurement measurement : measurements) {
      components
          .computeIfAbsent(measurement.component(), name -> new TreeSet<>())
          .add(measurement.sha256());
    }
    return new GoldenSet(components);
  }

  /**
   * Reads a golden file.
   *
   * @throws IOException if it cannot be read or is not of this format, naming the file
   */
  public static GoldenSet read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("golden file " + file + " is not JSON: " + e.getMessage(), e);
    }
    JsonNode components = root == null ? null : root.get("components");
    if (root == null
        || root.path("v").asInt() != 1
        || components == null
        || !components.isObject()) {
      throw new IOException("golden file " + file + " lacks v 1 and a 'components' object");
    }
    Map<String, Set<String>> read = new TreeMap<>();
    for (Map.Entry<String, JsonNode> component : components.properties()) {
      Set<String> digests = new TreeSet<>();
      if (!component.getValue().isArray()) {
        throw new IOException(
            "golden file " + file + ": '" + component.getKey() + "' is not a list of digests");
      }
      for (JsonNode digest : component.getValue()) {
        try {
          digests.add(new Measurement(component.getKey(), digest.asText()).sha256());
        } catch (IllegalArgumentException e) {
          throw new IOException("golden file " + file + ": " + e.getMessage(), e);
        }
      }
      read.put(component.getKey(), digests);
    }
    return new GoldenSet(read);
  }

  /** Writes the golden file, components sorted. */
  public void write(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("v", 1);
    ObjectNode components = root.putObject("components");
    new TreeMap<>(this.components)
        .forEach(
            (name, digests) -> {
              ArrayNode array = components.putArray(name);
              new TreeSet<>(digests).forEach(array::add);
            });
    Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }
}
