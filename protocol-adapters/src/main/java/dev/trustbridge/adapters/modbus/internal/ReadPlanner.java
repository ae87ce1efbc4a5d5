package dev.trustbridge.adapters.modbus.internal;

import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.modbus.ModbusTag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Merges a device's tags into as few read requests as the limits allow. Only contiguous or
 * overlapping addresses are merged: reading across a gap could touch addresses the device does not
 * have and turn a whole request into an exception response.
 */
public final class ReadPlanner {

  private final int maxRegistersPerRead;
  private final int maxBitsPerRead;

  /**
   * @param maxRegistersPerRead 1..125
   * @param maxBitsPerRead 1..2000
   */
  public ReadPlanner(int maxRegistersPerRead, int maxBitsPerRead) {
    this.maxRegistersPerRead =
        checkLimit(maxRegistersPerRead, ModbusTable.HOLDING_REGISTER, "maxRegistersPerRead");
    this.maxBitsPerRead = checkLimit(maxBitsPerRead, ModbusTable.COIL, "maxBitsPerRead");
  }

  private static int checkLimit(int limit, ModbusTable table, String option) {
    if (limit < 1 || limit > table.protocolMaxPerRead()) {
      throw new IllegalArgumentException(
          option + " must be within 1.." + table.protocolMaxPerRead() + ", was " + limit);
    }
    return limit;
  }

  /** The requests that read every tag once, grouped by table and ordered by address. */
  public List<ReadRequest> plan(List<ModbusTag> tags) {
    List<ReadRequest> requests = new ArrayList<>();
    for (ModbusTable table : ModbusTable.values()) {
      int limit = table.holdsBits() ? maxBitsPerRead : maxRegistersPerRead;
      List<ModbusTag> sorted =
          tags.stream()
              .filter(tag -> tag.table() == table)
              .sorted(Comparator.comparingInt(ModbusTag::address))
              .toList();
      List<ModbusTag> pending = new ArrayList<>();
      int start = 0;
      int end = -1;
      for (ModbusTag tag : sorted) {
        if (tag.type().width() > limit) {
          throw new IllegalArgumentException(
              "tag "
                  + tag.name()
                  + " spans "
                  + tag.type().width()
                  + " addresses, more than the "
                  + "per-read limit of "
                  + limit);
        }
        boolean joins =
            !pending.isEmpty()
                && tag.address() <= end + 1
                && Math.max(end, tag.lastAddress()) - start + 1 <= limit;
        if (!joins && !pending.isEmpty()) {
          requests.add(new ReadRequest(table, start, end - start + 1, pending));
          pending = new ArrayList<>();
        }
        if (pending.isEmpty()) {
          start = tag.address();
          end = tag.lastAddress();
        } else {
          end = Math.max(end, tag.lastAddress());
        }
        pending.add(tag);
      }
      if (!pending.isEmpty()) {
        requests.add(new ReadRequest(table, start, end - start + 1, pending));
      }
    }
    return requests;
  }
}
