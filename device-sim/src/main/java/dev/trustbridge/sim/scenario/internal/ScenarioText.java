package dev.trustbridge.sim.scenario.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The text of a scenario and the name its problems are reported against.
 *
 * @param text the YAML
 * @param source a file name, {@code classpath:…} or another label
 */
public record ScenarioText(String text, String source) {

  /**
   * Reads a classpath resource (UTF-8), e.g. {@code "scenarios/line-3.yaml"}, through the context
   * class loader or else this library's; its source is {@code classpath:<resource>}.
   *
   * @throws IllegalArgumentException if there is no such resource
   * @throws UncheckedIOException if it cannot be read
   */
  public static ScenarioText fromClasspath(String resource) {
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    try (InputStream in = open(name)) {
      return new ScenarioText(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario resource " + name, e);
    }
  }

  private static InputStream open(String name) {
    return Optional.ofNullable(Thread.currentThread().getContextClassLoader())
        .map(loader -> loader.getResourceAsStream(name))
        .or(
            () ->
                Optional.ofNullable(ScenarioText.class.getClassLoader().getResourceAsStream(name)))
        .orElseThrow(
            () -> new IllegalArgumentException("no scenario resource on the classpath: " + name));
  }
}
