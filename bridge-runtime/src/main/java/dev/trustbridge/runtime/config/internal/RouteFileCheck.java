package dev.trustbridge.runtime.config.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Checks a Camel YAML DSL route file before anything runs: Camel's grammar accepts it, every route
 * has an explicit id unique across all files, and every {@code modbus:}, {@code opcua:} or {@code
 * mqtt:} endpoint names a registered device or a configured uplink.
 */
public final class RouteFileCheck {

  private final Path file;
  private final String name;
  private final Problems problems;
  private final Map<Integer, String> fieldsByPosition = new HashMap<>();
  private final List<DeviceUse> deviceUses = new ArrayList<>();

  /**
   * A registered device that a route names.
   *
   * @param file the route file as named to the operator
   * @param uri the endpoint URI's node
   * @param field its field path
   */
  public record DeviceUse(String device, String file, ScalarNode uri, String field) {}

  /**
   * @param configDirectory the configuration directory, so that the file is named relative to it
   * @param routeFile the route file
   */
  public RouteFileCheck(Path configDirectory, Path routeFile, Problems problems) {
    this.file = routeFile;
    this.name = configDirectory.relativize(routeFile).toString();
    this.problems = problems;
  }

  /**
   * Records a problem for each thing wrong with the file.
   *
   * @param routeIds the route ids seen in the files checked before; this file's are added
   */
  public void check(
      Set<String> deviceIds,
      Set<String> uplinkIds,
      Set<String> routeIds,
      CamelRouteGrammar grammar) {
    int known = problems.size();
    List<Node> documents = YamlFiles.parseAll(file, name, problems);
    if (problems.size() > known) {
      return;
    }
    for (Node document : documents) {
      if (!(document instanceof SequenceNode routes)) {
        problems.at(name, document, "", "must be a list of routes (- route: …)");
        continue;
      }
      List<Node> items = routes.getValue();
      for (int i = 0; i < items.size(); i++) {
        checkItem(items.get(i), "[" + i + "]", routeIds);
        checkEndpoints(items.get(i), "[" + i + "]", deviceIds, uplinkIds);
      }
    }
    grammar
        .check(file)
        .ifPresent(
            rejection ->
                problems.at(
                    name,
                    rejection.mark(),
                    rejection
                        .mark()
                        .map(m -> fieldsByPosition.getOrDefault(m.getIndex(), ""))
                        .orElse(""),
                    "Camel YAML DSL: " + rejection.message()));
  }

  /** The registered devices the file's routes name, in file order. */
  public List<DeviceUse> deviceUses() {
    return List.copyOf(deviceUses);
  }

  private void checkItem(Node item, String path, Set<String> routeIds) {
    if (!(item instanceof MappingNode mapping)) {
      problems.at(name, item, path, "must be a mapping such as 'route:'");
      return;
    }
    for (NodeTuple entry : mapping.getValue()) {
      String key = scalar(entry.getKeyNode());
      if (key.equals("from")) {
        problems.at(
            name,
            entry.getKeyNode(),
            path + ".from",
            "a route needs an explicit id: write it as '- route: {id: …, from: …}'");
      } else if (key.equals("route")) {
        String id = entry.getValueNode() instanceof MappingNode route ? value(route, "id") : "";
        if (id.isEmpty()) {
          problems.at(name, entry.getValueNode(), path + ".route.id", "is required");
        } else if (!routeIds.add(id)) {
          problems.at(
              name,
              entry.getValueNode(),
              path + ".route.id",
              "route '" + id + "' is declared twice");
        }
      }
    }
  }

  private void checkEndpoints(
      Node node, String path, Set<String> deviceIds, Set<String> uplinkIds) {
    if (node instanceof SequenceNode sequence) {
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        checkEndpoints(items.get(i), path + "[" + i + "]", deviceIds, uplinkIds);
      }
    } else if (node instanceof MappingNode mapping) {
      for (NodeTuple entry : mapping.getValue()) {
        String key = scalar(entry.getKeyNode());
        String field = path + "." + key;
        entry.getKeyNode().getStartMark().ifPresent(m -> fieldsByPosition.put(m.getIndex(), field));
        entry
            .getValueNode()
            .getStartMark()
            .ifPresent(m -> fieldsByPosition.put(m.getIndex(), field));
        if (isEndpointKey(key) && entry.getValueNode() instanceof ScalarNode uri) {
          checkUri(uri, field, deviceIds, uplinkIds);
        } else {
          checkEndpoints(entry.getValueNode(), field, deviceIds, uplinkIds);
        }
      }
    }
  }

  private static boolean isEndpointKey(String key) {
    return key.equals("uri") || key.equals("from") || key.equals("to") || key.equals("toD");
  }

  private void checkUri(
      ScalarNode uri, String field, Set<String> deviceIds, Set<String> uplinkIds) {
    String text = uri.getValue().strip();
    int colon = text.indexOf(':');
    if (colon < 0) {
      return;
    }
    String scheme = text.substring(0, colon);
    String target = text.substring(colon + 1).replaceFirst("^//", "");
    int query = target.indexOf('?');
    if (query >= 0) {
      target = target.substring(0, query);
    }
    boolean device = scheme.equals("modbus") || scheme.equals("opcua");
    if (device && deviceIds.contains(target)) {
      deviceUses.add(new DeviceUse(target, name, uri, field));
    } else if (device) {
      problems.at(
          name,
          uri,
          field,
          "names unknown device '" + target + "' (registered: " + sorted(deviceIds) + ")");
    } else if (scheme.equals("mqtt") && !uplinkIds.contains(target)) {
      problems.at(
          name,
          uri,
          field,
          "names unknown uplink '" + target + "' (configured: " + sorted(uplinkIds) + ")");
    }
  }

  private static String sorted(Set<String> ids) {
    return String.join(", ", ids.stream().sorted().toList());
  }

  private static String value(MappingNode mapping, String key) {
    for (NodeTuple entry : mapping.getValue()) {
      if (scalar(entry.getKeyNode()).equals(key)) {
        return scalar(entry.getValueNode());
      }
    }
    return "";
  }

  private static String scalar(Node node) {
    return node instanceof ScalarNode scalar ? scalar.getValue() : "";
  }
}
