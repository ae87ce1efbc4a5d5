package dev.trustbridge.sim.modbus.internal;

import com.ghgande.j2mod.modbus.procimg.ProcessImage;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import dev.trustbridge.sim.modbus.Table;
import dev.trustbridge.sim.scenario.internal.Generator;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongToDoubleFunction;

/**
 * The tables of one device as a j2mod process image, the signals that drive its points, and the
 * lock under which a request is answered so that no reply shows half of a 32-bit value.
 *
 * <p>Only configured addresses exist: a request that touches any other address is answered with
 * exception 2 (illegal data address), as a real device with gaps in its map does.
 */
public final class DeviceImage {

  private final String deviceId;
  private final Duration tick;
  private final SimpleProcessImage processImage = new SimpleProcessImage();
  private final Map<Table, TreeMap<Integer, Cell>> cells = new EnumMap<>(Table.class);
  private final ReentrantLock lock = new ReentrantLock();

  public DeviceImage(DeviceConfig config, Duration tick) {
    this.deviceId = config.id();
    this.tick = tick;
    for (Table table : Table.values()) {
      cells.put(table, new TreeMap<>());
    }
    for (PointConfig point : config.points()) {
      Cell cell = point.table().holdsBits() ? bitCell(point) : registerCell(point);
      cell.drive(point.generator());
      cells.get(point.table()).put(point.address(), cell);
    }
    tick(0);
  }

  public ProcessImage processImage() {
    return processImage;
  }

  /** Held while a request is answered and while values change. */
  public ReentrantLock lock() {
    return lock;
  }

  /**
   * Writes every varying point's value for tick {@code n}. Constant points are left alone, so what
   * a master wrote into them stays; a varying point overwrites a master's write on the next tick.
   */
  public void tick(long n) {
    lock.lock();
    try {
      for (TreeMap<Integer, Cell> table : cells.values()) {
        for (Cell cell : table.values()) {
          if (n == 0 || cell.varies) {
            cell.write(cell.signal.applyAsDouble(n));
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Pins a register point to {@code value}: its generator stops and the value is written now. */
  public void setValue(Table table, int address, Number value) {
    Cell cell = cell(table, address);
    PointType type = cell.point.type();
    if (type == PointType.BOOL) {
      throw new IllegalArgumentException(where(cell) + " is a bool point; use setBit");
    }
    double number = value.doubleValue();
    type.problemWith(number)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(where(cell) + ": " + problem);
            });
    pin(cell, number);
  }

  /** Pins a bit point to {@code value}: its generator stops and the value is written now. */
  public void setBit(Table table, int address, boolean value) {
    Cell cell = cell(table, address);
    if (cell.point.type() != PointType.BOOL) {
      throw new IllegalArgumentException(where(cell) + " is a register point; use setValue");
    }
    pin(cell, value ? 1 : 0);
  }

  /** The register point's current value as the device holds it, master writes included. */
  public Number value(Table table, int address) {
    Cell cell = cell(table, address);
    if (cell.point.type() == PointType.BOOL) {
      throw new IllegalArgumentException(where(cell) + " is a bool point; use bit");
    }
    lock.lock();
    try {
      return cell.point.type().number(cell.bits());
    } finally {
      lock.unlock();
    }
  }

  /** The bit point's current value, master writes included. */
  public boolean bit(Table table, int address) {
    Cell cell = cell(table, address);
    if (cell.point.type() != PointType.BOOL) {
      throw new IllegalArgumentException(where(cell) + " is a register point; use value");
    }
    lock.lock();
    try {
      return cell.bits() != 0;
    } finally {
      lock.unlock();
    }
  }

  private void pin(Cell cell, double value) {
    lock.lock();
    try {
      cell.drive(new Generator.Constant(value));
      cell.write(value);
    } finally {
      lock.unlock();
    }
  }

  private Cell cell(Table table, int address) {
    Cell cell = cells.get(table).get(address);
    if (cell == null) {
      throw new IllegalArgumentException(
          "device "
              + deviceId
              + " has no point starting at "
              + table.scenarioName()
              + " "
              + address
              + "; points there start at "
              + cells.get(table).keySet());
    }
    return cell;
  }

  private String where(Cell cell) {
    return "device " + deviceId + " " + cell.point.describe();
  }

  private Cell bitCell(PointConfig point) {
    Bit bit = new Bit();
    if (point.table() == Table.COIL) {
      processImage.addDigitalOut(point.address(), bit);
    } else {
      processImage.addDigitalIn(point.address(), bit);
    }
    return new Cell(point) {
      @Override
      void write(double value) {
        bit.set(value != 0);
      }

      @Override
      long bits() {
        return bit.isSet() ? 1 : 0;
      }
    };
  }

  private Cell registerCell(PointConfig point) {
    Register[] registers = new Register[point.type().width()];
    for (int i = 0; i < registers.length; i++) {
      registers[i] = new SimpleRegister(0);
      if (point.table() == Table.HOLDING_REGISTER) {
        processImage.addRegister(point.address() + i, registers[i]);
      } else {
        processImage.addInputRegister(point.address() + i, registers[i]);
      }
    }
    return new Cell(point) {
      @Override
      void write(double value) {
        long bits = point.type().bits(value);
        int[] words =
            RegisterCodec.encode(bits, registers.length, point.byteOrder(), point.wordOrder());
        for (int i = 0; i < registers.length; i++) {
          registers[i].setValue(words[i]);
        }
      }

      @Override
      long bits() {
        int[] words = new int[registers.length];
        for (int i = 0; i < registers.length; i++) {
          words[i] = registers[i].getValue();
        }
        return RegisterCodec.decode(words, point.byteOrder(), point.wordOrder());
      }
    };
  }

  private abstract class Cell {
    final PointConfig point;
    LongToDoubleFunction signal;
    boolean varies;

    Cell(PointConfig point) {
      this.point = point;
    }

    void drive(Generator generator) {
      signal = generator.signal(tick);
      varies = generator.varies();
    }

    abstract void write(double value);

    abstract long bits();
  }
}
