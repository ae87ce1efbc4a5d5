package dev.trustbridge.runtime.observe.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Brings meters that other libraries register (Camel's in particular) in line with Prometheus'
 * conventions as {@code promtool check metrics} checks them: snake_case label names, and help text
 * where the library gave none. Our own meters already follow them and pass unchanged.
 */
public final class PrometheusConventions implements MeterFilter {

  @Override
  public Meter.Id map(Meter.Id id) {
    List<Tag> tags = new ArrayList<>();
    boolean renamed = false;
    for (Tag tag : id.getTagsAsIterable()) {
      String key = snakeCase(tag.getKey());
      renamed |= !key.equals(tag.getKey());
      tags.add(Tag.of(key, tag.getValue()));
    }
    String description = id.getDescription();
    boolean described = description != null && !description.isBlank();
    if (!renamed && described) {
      return id;
    }
    return new Meter.Id(
        id.getName(),
        io.micrometer.core.instrument.Tags.of(tags),
        id.getBaseUnit(),
        described ? description : id.getName().replace('.', ' '),
        id.getType());
  }

  static String snakeCase(String name) {
    StringBuilder snake = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0 && name.charAt(i - 1) != '_') {
          snake.append('_');
        }
        snake.append(Character.toLowerCase(c));
      } else {
        snake.append(c);
      }
    }
    return snake.toString().toLowerCase(Locale.ROOT);
  }
}
