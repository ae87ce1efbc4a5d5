package dev.trustbridge.runtime.config;

import dev.trustbridge.runtime.config.internal.YamlMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class UplinkReader {
  static List<UplinkConfig> read(YamlMapping root, SecurityMode mode, Path directory) {
    List<UplinkConfig> uplinks = new ArrayList<>();
    for (YamlMapping uplink : root.mappings("uplinks", true)) {
      uplinks.add(new UplinkConfig(uplink.requiredString("id").orElse("")));
      uplink.rejectUnknownKeys();
    }
    return uplinks;
  }
}
