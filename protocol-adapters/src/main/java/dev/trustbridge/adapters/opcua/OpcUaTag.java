package dev.trustbridge.adapters.opcua;

import java.time.Duration;
import java.util.Objects;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * A named value on an OPC UA server: the variable node it reads and whether the gateway subscribes
 * to it or polls it.
 *
 * <p>Values are published as {@link Boolean} (Boolean), {@link Long} (every integer type; a UInt64
 * above 2<sup>63</sup>-1 is BAD) or {@link Double} (Float, Double); other data types give BAD
 * samples.
 *
 * @param name unique within the device
 * @param nodeId the variable's node id in OPC UA text form, e.g. {@code ns=2;s=Filler/Speed}
 * @param mode subscribe (monitored item) or poll (read every poll interval)
 * @param samplingInterval how often the server samples a subscribed tag
 * @param queueSize how many changes the server queues per publishing interval, at least 1
 * @param deadband which changes of a subscribed tag are too small to report
 * @param unit the engineering unit, or {@code ""}
 */
public record OpcUaTag(
    String name,
    String nodeId,
    Mode mode,
    Duration samplingInterval,
    int queueSize,
    OpcUaDeadband deadband,
    String unit) {

  /** How the gateway obtains a tag's values. */
  public enum Mode {
    /** A monitored item in the device's subscription: the server reports changes. */
    SUBSCRIBE,
    /** A Read of the value every poll interval of the device. */
    POLL
  }

  public OpcUaTag {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(samplingInterval, "samplingInterval");
    Objects.requireNonNull(deadband, "deadband");
    Objects.requireNonNull(unit, "unit");
    if (name.isBlank()) {
      throw new IllegalArgumentException("tag name must not be blank");
    }
    if (NodeId.parseOrNull(nodeId) == null) {
      throw new IllegalArgumentException(
          "tag " + name + ": '" + nodeId + "' is not a node id such as ns=2;s=Filler/Speed");
    }
    if (samplingInterval.isNegative()) {
      throw new IllegalArgumentException(
          "tag " + name + ": sampling interval must not be negative");
    }
    if (queueSize < 1) {
      throw new IllegalArgumentException("tag " + name + ": queue size must be at least 1");
    }
    if (mode == Mode.POLL && deadband.type() != OpcUaDeadband.Type.NONE) {
      throw new IllegalArgumentException("tag " + name + ": a deadband needs mode subscribe");
    }
  }

  /** A subscribed tag sampled every second, queue size 1, no deadband, no unit. */
  public static OpcUaTag subscribed(String name, String nodeId) {
    return new OpcUaTag(
        name, nodeId, Mode.SUBSCRIBE, Duration.ofSeconds(1), 1, OpcUaDeadband.none(), "");
  }

  /** A polled tag without unit. */
  public static OpcUaTag polled(String name, String nodeId) {
    return new OpcUaTag(name, nodeId, Mode.POLL, Duration.ZERO, 1, OpcUaDeadband.none(), "");
  }
}
