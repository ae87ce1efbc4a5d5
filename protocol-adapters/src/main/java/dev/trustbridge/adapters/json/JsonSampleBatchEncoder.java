package dev.trustbridge.adapters.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.SampleBatchEncoder;
import java.io.UncheckedIOException;

/**
 * Encodes a batch as unsigned JSON: {@code {"deviceId":…,"samples":[{"tag":…,"value":…,
 * "quality":"GOOD","sourceTime":"…Z","gatewayTime":"…Z","unit":…}]}}.
 */
public final class JsonSampleBatchEncoder implements SampleBatchEncoder {

  private final ObjectMapper mapper =
      // buffers shared by all threads: per-thread ones cost 8 KB for each device's poll thread
      JsonMapper.builder(
              JsonFactory.builder()
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  .build())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          // shortest round-tripping digits (Schubfach), several times faster than Double.toString
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .build();

  @Override
  public byte[] encode(SampleBatch batch) {
    try {
      return mapper.writeValueAsBytes(batch);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot encode samples of device " + batch.deviceId(), e);
    }
  }

  @Override
  public String contentType() {
    return "application/json";
  }
}
