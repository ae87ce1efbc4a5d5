package dev.trustbridge.runtime.config.internal;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One kind of tag as a CSV tag list holds it: the columns it may name (the keys of such a tag in
 * {@code trustbridge.yaml}, a nested key as {@code parent.key}), those it must name, and the reader
 * that turns a row into a tag, the same that reads the tag from YAML.
 *
 * @param names every column, in the order an operator is told them
 * @param required the columns every list must have
 */
public record TagColumns<T>(List<String> names, Set<String> required, Reader<T> reader) {

  /** Reads one tag from its fields, recording its problems. */
  @FunctionalInterface
  public interface Reader<T> {

    /**
     * The tag, or empty when it has a problem (recorded).
     *
     * @param names the names of the device's tags read so far; this one's is added
     */
    Optional<T> read(Fields tag, Set<String> names);
  }

  public TagColumns {
    names = List.copyOf(names);
    required = Set.copyOf(required);
  }
}
