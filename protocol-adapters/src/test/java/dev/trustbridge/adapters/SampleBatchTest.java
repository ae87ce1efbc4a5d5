package dev.trustbridge.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleBatchTest {

  private static SampleBatch batchOf(int size) {
    List<Sample> samples = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < size; i++) {
      samples.add(Sample.good("t" + i, (long) i, now, now, ""));
    }
    return new SampleBatch("plc-1", samples);
  }

  @Test
  void split_withinLimit_isTheSameBatch() {
    SampleBatch batch = batchOf(3);

    assertThat(batch.split(3)).containsExactly(batch);
  }

  @Test
  void split_overLimit_keepsOrderDeviceAndEverySample() {
    List<SampleBatch> parts = batchOf(7).split(3);

    assertThat(parts).extracting(part -> part.samples().size()).containsExactly(3, 3, 1);
    assertThat(parts).allMatch(part -> part.deviceId().equals("plc-1"));
    assertThat(parts.stream().flatMap(part -> part.samples().stream()).map(Sample::tag))
        .containsExactly("t0", "t1", "t2", "t3", "t4", "t5", "t6");
  }

  @Test
  void split_belowOne_isRefused() {
    assertThatThrownBy(() -> batchOf(1).split(0))
        .hasMessage("maxSamples must be at least 1, was 0");
  }
}
