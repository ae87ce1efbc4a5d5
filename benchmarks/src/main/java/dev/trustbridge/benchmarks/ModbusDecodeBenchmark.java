package dev.trustbridge.benchmarks;

import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.modbus.ByteOrder;
import dev.trustbridge.adapters.modbus.ModbusDataType;
import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.modbus.ModbusTag;
import dev.trustbridge.adapters.modbus.WordOrder;
import dev.trustbridge.adapters.modbus.internal.TagDecoder;
import java.time.Instant;
import java.util.ArrayList;
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
 * Turning the answer of one full Modbus read (125 registers) into samples, as a poll does after the
 * network: 62 float32 tags (two registers each, low word first) or 125 int16 tags scaled by 0.1.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ModbusDecodeBenchmark {

  static final int REGISTERS = 125;

  @Param({"float32", "int16"})
  public String type;

  private List<ModbusTag> tags;
  private int[] registers;

  @Setup(Level.Trial)
  public void start() {
    boolean wide = type.equals("float32");
    tags = new ArrayList<>();
    for (int address = 0; address + (wide ? 1 : 0) < REGISTERS; address += wide ? 2 : 1) {
      tags.add(
          new ModbusTag(
              "t" + address,
              ModbusTable.INPUT_REGISTER,
              address,
              wide ? ModbusDataType.FLOAT32 : ModbusDataType.INT16,
              ByteOrder.BIG_ENDIAN,
              WordOrder.LOW_FIRST,
              wide ? 1.0 : 0.1,
              0.0,
              "degC"));
    }
    registers = new int[REGISTERS];
    for (int i = 0; i < REGISTERS; i++) {
      registers[i] = (i * 7919) & 0x7fff;
    }
  }

  /** Decodes every tag of the read into a sample. */
  @Benchmark
  public List<Sample> decode() {
    Instant now = Instant.now();
    List<Sample> samples = new ArrayList<>(tags.size());
    for (ModbusTag tag : tags) {
      samples.add(
          Sample.good(tag.name(), TagDecoder.decodeRegisters(tag, registers, 0), now, now, "degC"));
    }
    return samples;
  }
}
