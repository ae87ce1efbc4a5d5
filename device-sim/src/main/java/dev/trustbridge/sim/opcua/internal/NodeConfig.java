package dev.trustbridge.sim.opcua.internal;

import java.util.List;

/**
 * A node of the simulated address space: a folder or a variable.
 *
 * <p>{@link #path()} is the names from the top folder down, joined by {@code /}, e.g. {@code
 * Filler/Speed}; it is also the string identifier of the node's id.
 */
public sealed interface NodeConfig {

  String name();

  String path();

  /** Free text for the node's Description attribute; empty when there is none. */
  String description();

  /** {@code source:line:column} of the node in its scenario, for messages. */
  String location();

  /** A folder that organizes other nodes. */
  record Folder(
      String name, String path, String description, List<NodeConfig> children, String location)
      implements NodeConfig {
    public Folder {
      children = List.copyOf(children);
    }
  }

  /** A scalar variable, its value source and whether clients may write it. */
  record Variable(
      String name,
      String path,
      String description,
      VariableType type,
      ValueSource value,
      boolean writable,
      String location)
      implements NodeConfig {}
}
