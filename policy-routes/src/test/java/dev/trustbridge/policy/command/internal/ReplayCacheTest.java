package dev.trustbridge.policy.command.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCacheTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  @TempDir Path dir;

  @Test
  void seenId_isRememberedAcrossReopen_untilItsCommandExpires() throws Exception {
    Path file = dir.resolve("commands-seen.txt");
    Instant expires = NOW.plusSeconds(60);
    try (ReplayCache cache = ReplayCache.open(file, Clock.fixed(NOW, ZoneOffset.UTC))) {
      assertThat(cache.firstSeen("cmd-1", expires)).isTrue();
      assertThat(cache.firstSeen("cmd-1", expires)).isFalse();
    }

    try (ReplayCache reopened =
        ReplayCache.open(file, Clock.fixed(NOW.plusSeconds(59), ZoneOffset.UTC))) {
      assertThat(reopened.firstSeen("cmd-1", expires)).isFalse();
    }
    try (ReplayCache later =
        ReplayCache.open(file, Clock.fixed(NOW.plusSeconds(61), ZoneOffset.UTC))) {
      assertThat(Files.readString(file)).isEmpty();
      assertThat(later.firstSeen("cmd-2", NOW.plusSeconds(120))).isTrue();
    }
  }

  @Test
  void tornLastLine_afterCrash_isIgnored() throws Exception {
    Path file = dir.resolve("commands-seen.txt");
    Files.writeString(file, NOW.plusSeconds(60).getEpochSecond() + " cmd-1\n1795770");

    try (ReplayCache cache = ReplayCache.open(file, Clock.fixed(NOW, ZoneOffset.UTC))) {
      assertThat(cache.firstSeen("cmd-1", NOW.plusSeconds(60))).isFalse();
      assertThat(Files.readString(file))
          .isEqualTo(NOW.plusSeconds(60).getEpochSecond() + " cmd-1\n");
    }
  }
}
