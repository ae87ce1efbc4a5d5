package dev.trustbridge.benchmarks;

import dev.trustbridge.trust.envelope.EnvelopeSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The samples of one poll cycle of a benchmark device: a mix of floats, counters and flags. */
final class Samples {

  private static final Instant SOURCE_TIME = Instant.parse("2026-11-27T08:00:00.250Z");

  private Samples() {}

  static List<EnvelopeSample> of(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("samples per envelope must be at least 1, not " + count);
    }
    List<EnvelopeSample> samples = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String tag = String.format("tag-%03d", i);
      Instant time = SOURCE_TIME.plusMillis(i);
      samples.add(
          switch (i % 3) {
            case 0 -> new EnvelopeSample(tag, 20.0 + i * 0.25, EnvelopeSample.GOOD, time, "degC");
            case 1 -> new EnvelopeSample(tag, 1000L + i, EnvelopeSample.GOOD, time, "pcs");
            default -> new EnvelopeSample(tag, i % 2 == 0, EnvelopeSample.GOOD, time, "");
          });
    }
    return List.copyOf(samples);
  }
}
