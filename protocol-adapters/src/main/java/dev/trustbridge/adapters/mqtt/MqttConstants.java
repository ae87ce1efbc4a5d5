package dev.trustbridge.adapters.mqtt;

import org.apache.camel.spi.Metadata;

/** Header names and topic templates of the {@code mqtt:} component. */
public final class MqttConstants {

  /** The topic a consumed message was published to ({@code String}). */
  @Metadata(label = "consumer", description = "The topic of the message.", javaType = "String")
  public static final String TOPIC = "TrustBridgeMqttTopic";

  /** The QoS a consumed message was delivered with ({@code Integer}, 0 or 1). */
  @Metadata(label = "consumer", description = "The delivery QoS.", javaType = "Integer")
  public static final String QOS = "TrustBridgeMqttQos";

  /** Whether a consumed message is a retained message ({@code Boolean}). */
  @Metadata(label = "consumer", description = "Whether it is retained.", javaType = "Boolean")
  public static final String RETAIN = "TrustBridgeMqttRetain";

  /** The MQTT 5 content type of a consumed message, when the publisher set one ({@code String}). */
  @Metadata(label = "consumer", description = "The MQTT 5 content type.", javaType = "String")
  public static final String CONTENT_TYPE = "TrustBridgeMqttContentType";

  /** The topic template producers use unless an endpoint sets {@code topic}. */
  public static final String DEFAULT_TOPIC = "tb/v1/{site}/{gateway}/{device}/telemetry";

  /**
   * The retained topic of each uplink's gateway status: {@code online} while connected, {@code
   * offline} after a clean shutdown or, as last will, after a lost connection.
   */
  public static final String STATUS_TOPIC = "tb/v1/{site}/{gateway}/$status";

  private MqttConstants() {}
}
