package dev.trustbridge.runtime.config.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Lets Camel's own YAML DSL parser read route files in a context that is never started, so that a
 * misspelt step or option is reported with the other configuration problems before anything runs.
 */
public final class CamelRouteGrammar implements AutoCloseable {

  /**
   * What Camel rejected.
   *
   * @param mark where, when Camel says
   * @param message Camel's description, e.g. {@code Unknown node id: lgo}
   */
  public record Rejection(Optional<Mark> mark, String message) {}

  private final CamelContext context = new DefaultCamelContext();

  /** Parses the file as Camel would; empty when Camel accepts it. */
  public Optional<Rejection> check(Path routeFile) {
    try {
      String text = Files.readString(routeFile, StandardCharsets.UTF_8);
      PluginHelper.getRoutesLoader(context)
          .loadRoutes(ResourceHelper.fromString(routeFile.getFileName().toString(), text));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(new Rejection(Optional.empty(), "cannot be read: " + e.getMessage()));
    } catch (Exception e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof MarkedYamlEngineException marked) {
          return Optional.of(new Rejection(marked.getProblemMark(), marked.getProblem()));
        }
      }
      return Optional.of(new Rejection(Optional.empty(), String.valueOf(e.getMessage())));
    }
  }

  @Override
  public void close() {
    context.stop();
  }
}
