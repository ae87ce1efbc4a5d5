package dev.trustbridge.adapters.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.SampleBatchEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Encodes a batch as unsigned JSON: {@code {"deviceId":…,"samples":[{"tag":…,"value":…,
 * "quality":"GOOD","sourceTime":"…Z","gatewayTime":"…Z","unit":…}]}}, times in ISO-8601 UTC.
 * Written field by field: the samples of one poll share their times, which are formatted once.
 */
public final class JsonSampleBatchEncoder implements SampleBatchEncoder {

  private static final JsonFactory JSON =
      JsonFactory.builder()
          // buffers shared by all threads: per-thread ones cost 8 KB for each device's poll thread
          .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
          // shortest round-tripping digits (Schubfach), several times faster than Double.toString
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .build();
  private static final SerializedString DEVICE_ID = new SerializedString("deviceId");
  private static final SerializedString SAMPLES = new SerializedString("samples");
  private static final SerializedString TAG = new SerializedString("tag");
  private static final SerializedString VALUE = new SerializedString("value");
  private static final SerializedString QUALITY = new SerializedString("quality");
  private static final SerializedString SOURCE_TIME = new SerializedString("sourceTime");
  private static final SerializedString GATEWAY_TIME = new SerializedString("gatewayTime");
  private static final SerializedString UNIT = new SerializedString("unit");

  @Override
  public byte[] encode(SampleBatch batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 160 * batch.samples().size());
    TimeText sourceTimes = new TimeText();
    TimeText gatewayTimes = new TimeText();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeFieldName(DEVICE_ID);
      json.writeString(batch.deviceId());
      json.writeFieldName(SAMPLES);
      json.writeStartArray();
      for (Sample sample : batch.samples()) {
        json.writeStartObject();
        json.writeFieldName(TAG);
        json.writeString(sample.tag());
        json.writeFieldName(VALUE);
        writeValue(json, sample.value());
        json.writeFieldName(QUALITY);
        json.writeString(sample.quality().name());
        json.writeFieldName(SOURCE_TIME);
        json.writeString(sourceTimes.of(sample.sourceTime()));
        json.writeFieldName(GATEWAY_TIME);
        json.writeString(gatewayTimes.of(sample.gatewayTime()));
        json.writeFieldName(UNIT);
        json.writeString(sample.unit());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode samples of device " + batch.deviceId(), e);
    }
    return out.toByteArray();
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    if (value instanceof Boolean flag) {
      json.writeBoolean(flag);
    } else if (value instanceof Long number) {
      json.writeNumber(number);
    } else if (value instanceof Double number) {
      json.writeNumber(number);
    } else {
      // a sample's value is one of those three, or none (BAD)
      json.writeNull();
    }
  }

  @Override
  public String contentType() {
    return "application/json";
  }

  /** The text of the last time formatted, kept for the next sample of the same poll. */
  private static final class TimeText {
    private Instant time;
    private String text;

    String of(Instant next) {
      if (!next.equals(time)) {
        time = next;
        text = next.toString();
      }
      return text;
    }
  }
}
