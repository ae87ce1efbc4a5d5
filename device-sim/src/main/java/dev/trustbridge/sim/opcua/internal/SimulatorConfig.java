package dev.trustbridge.sim.opcua.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated OPC UA scenario: the server's name and port, the tick that drives every generator,
 * what the server offers for security, and the address space.
 */
public record SimulatorConfig(
    String source,
    String name,
    int port,
    Duration tick,
    SecurityConfig security,
    List<NodeConfig> nodes) {

  public SimulatorConfig {
    nodes = List.copyOf(nodes);
  }

  /** {@code urn:trustbridge:sim:<name>}: the server's ApplicationUri, also in its certificate. */
  public String applicationUri() {
    return "urn:trustbridge:sim:" + name;
  }

  /** {@code urn:trustbridge:sim:<name>:nodes}: the namespace of every simulated node. */
  public String namespaceUri() {
    return applicationUri() + ":nodes";
  }

  /** Every variable, depth first in scenario order. */
  public List<NodeConfig.Variable> variables() {
    List<NodeConfig.Variable> variables = new ArrayList<>();
    collect(nodes, variables);
    return variables;
  }

  private static void collect(List<NodeConfig> nodes, List<NodeConfig.Variable> into) {
    for (NodeConfig node : nodes) {
      if (node instanceof NodeConfig.Variable variable) {
        into.add(variable);
      } else if (node instanceof NodeConfig.Folder folder) {
        collect(folder.children(), into);
      }
    }
  }
}
