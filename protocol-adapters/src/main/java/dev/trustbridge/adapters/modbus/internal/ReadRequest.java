package dev.trustbridge.adapters.modbus.internal;

import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.modbus.ModbusTag;
import java.util.List;

/**
 * One Modbus read: a contiguous address range of one table and the tags it serves.
 *
 * @param table the table read
 * @param start the first address
 * @param count how many bits or registers
 * @param tags the tags wholly inside the range
 */
public record ReadRequest(ModbusTable table, int start, int count, List<ModbusTag> tags) {

  public ReadRequest {
    tags = List.copyOf(tags);
  }
}
