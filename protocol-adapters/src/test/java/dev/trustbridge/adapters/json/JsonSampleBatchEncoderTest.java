package dev.trustbridge.adapters.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbridge.adapters.Quality;
import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unsigned JSON of a batch: every field of every sample, times in ISO-8601 UTC. */
class JsonSampleBatchEncoderTest {

  private static final Instant POLLED = Instant.parse("2026-11-27T10:15:30.123456789Z");
  private static final Instant LATER = Instant.parse("2026-11-27T10:15:31Z");

  @Test
  void samplesOfEveryKind_areWrittenFieldByField_timesOfEachSampleItsOwn() throws Exception {
    SampleBatch batch =
        new SampleBatch(
            "press-1",
            List.of(
                Sample.good("temperature", 21.5, POLLED, POLLED, "degC"),
                Sample.good("count", 42L, POLLED, LATER, ""),
                Sample.uncertain("door \"open\"", true, LATER, LATER, ""),
                Sample.good("ratio", 0.1 + 0.2, POLLED, POLLED, "%"),
                Sample.bad("pressure", LATER, "bar")));

    JsonNode json = new ObjectMapper().readTree(new JsonSampleBatchEncoder().encode(batch));

    assertThat(json.get("deviceId").asText()).isEqualTo("press-1");
    JsonNode samples = json.get("samples");
    assertThat(samples).hasSize(5);
    assertSample(samples.get(0), "temperature", "GOOD", POLLED, POLLED, "degC");
    assertThat(samples.get(0).get("value").isDouble()).isTrue();
    assertThat(samples.get(0).get("value").asDouble()).isEqualTo(21.5);
    assertSample(samples.get(1), "count", "GOOD", POLLED, LATER, "");
    assertThat(samples.get(1).get("value").isIntegralNumber()).isTrue();
    assertThat(samples.get(1).get("value").asLong()).isEqualTo(42L);
    assertSample(samples.get(2), "door \"open\"", "UNCERTAIN", LATER, LATER, "");
    assertThat(samples.get(2).get("value").isBoolean()).isTrue();
    assertThat(samples.get(2).get("value").asBoolean()).isTrue();
    assertThat(samples.get(3).get("value").asDouble())
        .as("the shortest digits that read back as the same double")
        .isEqualTo(0.1 + 0.2);
    assertSample(samples.get(4), "pressure", Quality.BAD.name(), LATER, LATER, "bar");
    assertThat(samples.get(4).get("value").isNull()).isTrue();
  }

  @Test
  void anEmptyBatch_hasAnEmptyArray() throws Exception {
    JsonNode json =
        new ObjectMapper()
            .readTree(new JsonSampleBatchEncoder().encode(new SampleBatch("press-1", List.of())));

    assertThat(json.get("samples").isArray()).isTrue();
    assertThat(json.get("samples")).isEmpty();
  }

  private static void assertSample(
      JsonNode sample,
      String tag,
      String quality,
      Instant sourceTime,
      Instant gatewayTime,
      String unit) {
    assertThat(sample.properties())
        .extracting(java.util.Map.Entry::getKey)
        .containsExactly("tag", "value", "quality", "sourceTime", "gatewayTime", "unit");
    assertThat(sample.get("tag").asText()).isEqualTo(tag);
    assertThat(sample.get("quality").asText()).isEqualTo(quality);
    assertThat(sample.get("sourceTime").asText()).isEqualTo(sourceTime.toString());
    assertThat(sample.get("gatewayTime").asText()).isEqualTo(gatewayTime.toString());
    assertThat(sample.get("unit").asText()).isEqualTo(unit);
  }
}
