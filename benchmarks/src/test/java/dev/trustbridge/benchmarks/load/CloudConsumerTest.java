package dev.trustbridge.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.json.JsonSampleBatchEncoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The samples of the bare pipeline's JSON, counted on receipt without keeping the message. */
class CloudConsumerTest {

  @Test
  void plainJson_samplesAreCounted_evenWithTagsThatQuoteTheMemberName() {
    Instant now = Instant.now();
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 99; i++) {
      samples.add(Sample.good("v" + i, (double) i, now, now, ""));
    }
    samples.add(Sample.good("odd \"tag\": name", 1.0, now, now, "\"tag\":"));

    byte[] message = new JsonSampleBatchEncoder().encode(new SampleBatch("mb-0000", samples));

    assertThat(CloudConsumer.plainSampleCount(message)).isEqualTo(100);
    assertThat(
            CloudConsumer.plainSampleCount(
                new JsonSampleBatchEncoder().encode(new SampleBatch("mb-0000", List.of()))))
        .isZero();
  }
}
