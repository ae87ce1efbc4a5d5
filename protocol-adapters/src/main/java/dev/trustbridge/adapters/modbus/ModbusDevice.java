package dev.trustbridge.adapters.modbus;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A registered Modbus TCP device and the tags the gateway polls from it.
 *
 * @param id the registered device id
 * @param host the device's host name or address
 * @param port the device's TCP port (502 by default on real devices)
 * @param unitId the Modbus unit identifier, 0..255
 * @param pollInterval the time between the starts of two polls; a poll that takes longer delays the
 *     next
 * @param timeout the limit for connecting and for each response
 * @param tags the tags, in the order their samples are published; names unique
 * @param fingerprint what must be read from the device after every connect, if anything
 */
public record ModbusDevice(
    String id,
    String host,
    int port,
    int unitId,
    Duration pollInterval,
    Duration timeout,
    List<ModbusTag> tags,
    Optional<ModbusFingerprint> fingerprint) {

  public ModbusDevice {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(timeout, "timeout");
    tags = List.copyOf(tags);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "device " + id + ": port " + port + " is outside 1..65535");
    }
    if (unitId < 0 || unitId > 255) {
      throw new IllegalArgumentException(
          "device " + id + ": unit id " + unitId + " is outside 0..255");
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("device " + id + ": poll interval must be positive");
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("device " + id + ": timeout must be positive");
    }
    if (tags.isEmpty()) {
      throw new IllegalArgumentException("device " + id + ": declares no tags");
    }
    Set<String> names = new HashSet<>();
    for (ModbusTag tag : tags) {
      if (!names.add(tag.name())) {
        throw new IllegalArgumentException(
            "device " + id + ": tag " + tag.name() + " is declared twice");
      }
    }
  }

  /** A device without fingerprint. */
  public ModbusDevice(
      String id,
      String host,
      int port,
      int unitId,
      Duration pollInterval,
      Duration timeout,
      List<ModbusTag> tags) {
    this(id, host, port, unitId, pollInterval, timeout, tags, Optional.empty());
  }

  /** {@code host:port}, for log lines and errors. */
  public String endpoint() {
    return host + ":" + port;
  }
}
