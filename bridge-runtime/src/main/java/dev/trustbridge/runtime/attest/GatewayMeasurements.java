package dev.trustbridge.runtime.attest;

import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.trust.attest.Measurement;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway measures, in a stable order: every entry of its runtime class path (jars by file
 * name, class directories by module), then {@code trustbridge.yaml}, the route files, the policy
 * files and the CSV tag lists by their path in the configuration directory. The same code computes
 * the golden set in a release pipeline ({@code trustbridge attest golden}), so names and order
 * agree.
 *
 * <p>A file is hashed again only when its size or modification time changed since it was last
 * hashed, so that periodic re-measurement stays cheap.
 */
public final class GatewayMeasurements {

  private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(long size, long modified, Measurement measurement) {}

  /** The measurements of this JVM's runtime and of the configuration. */
  public List<Measurement> measure(GatewayConfig config) {
    List<Measurement> all = new ArrayList<>(runtime());
    all.add(
        file(
            "config:" + ConfigLoader.MAIN_FILE,
            config.directory().resolve(ConfigLoader.MAIN_FILE)));
    for (Path route : config.routeFiles()) {
      all.add(file("route:" + relative(config, route), route));
    }
    for (Path policy : config.policyFiles()) {
      all.add(file("policy:" + relative(config, policy), policy));
    }
    for (Path tags : config.tagFiles()) {
      all.add(file("tags:" + relative(config, tags), tags));
    }
    return all;
  }

  private List<Measurement> runtime() {
    List<Measurement> runtime = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isRegularFile(path)) {
        runtime.add(file("jar:" + path.getFileName(), path));
      } else if (Files.isDirectory(path)) {
        runtime.add(directory(classesName(path), path));
      }
    }
    runtime.sort(Comparator.comparing(Measurement::component));
    return runtime;
  }

  /** {@code classes:<module>} for a Maven module's {@code target/classes}, else the directory. */
  private static String classesName(Path directory) {
    Path absolute = directory.toAbsolutePath().normalize();
    Path target = absolute.getParent();
    if (target != null
        && target.getFileName() != null
        && target.getFileName().toString().equals("target")
        && target.getParent() != null) {
      return absolute.getFileName() + ":" + target.getParent().getFileName();
    }
    return "classes:" + absolute.getFileName();
  }

  private static String relative(GatewayConfig config, Path file) {
    return config
        .directory()
        .toAbsolutePath()
        .normalize()
        .relativize(file.toAbsolutePath().normalize())
        .toString()
        .replace('\\', '/');
  }

  private Measurement file(String component, Path file) {
    try {
      if (!Files.exists(file)) {
        return new Measurement(component + "#absent", Measurement.absent());
      }
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      Cached cached = cache.get(file);
      if (cached != null
          && cached.size() == attributes.size()
          && cached.modified() == attributes.lastModifiedTime().toMillis()
          && cached.measurement().component().equals(component)) {
        return cached.measurement();
      }
      Measurement measurement = Measurement.ofFile(component, file);
      cache.put(
          file,
          new Cached(attributes.size(), attributes.lastModifiedTime().toMillis(), measurement));
      return measurement;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure " + file + ": " + e.getMessage(), e);
    }
  }

  private static Measurement directory(String component, Path directory) {
    try {
      return Measurement.ofDirectory(component, directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure " + directory + ": " + e.getMessage(), e);
    }
  }
}
