package dev.trustbridge.benchmarks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bare pipeline that signing and verification are compared with: the samples of one envelope as
 * plain JSON in the shape of an envelope payload (stream, epoch, sequence, previous hash, gateway
 * time, samples), written and read with Jackson, with no signature, no hash, no chain and no
 * durable state.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class UnsignedJsonBenchmark {

  // an unsigned pipeline would still link to something; the length of a SHA-256 in base64url
  private static final String PREVIOUS = "x".repeat(43);

  @Param({"1", "10", "100", "1000"})
  public int samplesPerEnvelope;

  private final ObjectMapper json = new ObjectMapper();
  private List<EnvelopeSample> samples;
  private long seq;
  private byte[] written;

  @Setup(Level.Trial)
  public void start() throws IOException {
    samples = Samples.of(samplesPerEnvelope);
    written = writeJson();
  }

  /** What an unsigned gateway would publish for the samples of one device. */
  @Benchmark
  public byte[] writeJson() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 128 * samples.size());
    try (JsonGenerator generator = json.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeNumberField("v", 1);
      generator.writeStringField("site", BenchGateway.SITE);
      generator.writeStringField("gateway", BenchGateway.GATEWAY);
      generator.writeStringField("device", BenchGateway.DEVICE);
      generator.writeNumberField("epoch", 1);
      generator.writeNumberField("seq", ++seq);
      generator.writeStringField("prev", PREVIOUS);
      generator.writeStringField("time", Instant.now().toString());
      generator.writeArrayFieldStart("samples");
      for (EnvelopeSample sample : samples) {
        generator.writeStartObject();
        generator.writeStringField("tag", sample.tag());
        generator.writeFieldName("value");
        if (sample.value() instanceof Boolean flag) {
          generator.writeBoolean(flag);
        } else if (sample.value() instanceof Long number) {
          generator.writeNumber(number);
        } else if (sample.value() instanceof Double number) {
          generator.writeNumber(number);
        } else {
          generator.writeNull();
        }
        generator.writeStringField("quality", sample.quality());
        generator.writeStringField("sourceTime", sample.sourceTime().toString());
        generator.writeStringField("unit", sample.unit());
        generator.writeEndObject();
      }
      generator.writeEndArray();
      generator.writeEndObject();
    }
    return out.toByteArray();
  }

  /** What a consumer of unsigned data would do with it: parse it into a tree. */
  @Benchmark
  public JsonNode readJson() throws IOException {
    return json.readTree(written);
  }
}
