package dev.trustbridge.adapters.mqtt;

import dev.trustbridge.adapters.SampleBatchEncoder;
import dev.trustbridge.adapters.json.JsonSampleBatchEncoder;
import java.util.Objects;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/** The options of an {@code mqtt:<uplinkId>} endpoint; the setters document each option. */
@UriParams
public class MqttConfiguration implements Cloneable {

  @UriParam(defaultValue = MqttConstants.DEFAULT_TOPIC)
  private String topic = MqttConstants.DEFAULT_TOPIC;

  @UriParam(defaultValue = "1", enums = "0,1")
  private int qos = 1;

  @UriParam(label = "producer")
  private boolean retain;

  @UriParam(label = "producer", defaultValue = "JsonSampleBatchEncoder")
  private SampleBatchEncoder encoder = new JsonSampleBatchEncoder();

  @UriParam(label = "producer", defaultValue = "10000")
  private long publishTimeout = 10_000;

  public String getTopic() {
    return topic;
  }

  /**
   * Producer: the topic template to publish to; {@code {site}} and {@code {gateway}} are the
   * component's ids, {@code {device}} the {@code TrustBridgeDeviceId} header or the device of a
   * {@code SampleBatch} body. Consumer: the topic filter to subscribe to ({@code +} and {@code #}
   * allowed; write {@code +} as {@code %2B} or wrap the value in {@code RAW(...)} in a URI), with
   * {@code {site}} and {@code {gateway}} replaced.
   */
  public void setTopic(String topic) {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("topic must not be empty");
    }
    this.topic = topic;
  }

  public int getQos() {
    return qos;
  }

  /**
   * The MQTT quality of service: 1 (default, at least once; a publish completes on the broker's
   * PUBACK) or 0 (at most once; completes when written to the connection).
   */
  public void setQos(int qos) {
    if (qos != 0 && qos != 1) {
      throw new IllegalArgumentException("qos must be 0 or 1, got " + qos);
    }
    this.qos = qos;
  }

  public boolean isRetain() {
    return retain;
  }

  /** Whether the broker keeps the last published message of the topic for new subscribers. */
  public void setRetain(boolean retain) {
    this.retain = retain;
  }

  public SampleBatchEncoder getEncoder() {
    return encoder;
  }

  /**
   * How a {@code SampleBatch} body becomes the payload (and, with MQTT 5, the content type);
   * default: the component's encoder, unsigned JSON unless configured otherwise. {@code byte[]} and
   * {@code String} bodies are published as they are.
   */
  public void setEncoder(SampleBatchEncoder encoder) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
  }

  public long getPublishTimeout() {
    return publishTimeout;
  }

  /**
   * Milliseconds a publish may take, including waiting for the uplink to (re)connect and, at QoS 1,
   * for the PUBACK; then the exchange fails with an {@link MqttUplinkException}. Default 10000.
   */
  public void setPublishTimeout(long publishTimeout) {
    if (publishTimeout <= 0) {
      throw new IllegalArgumentException("publishTimeout must be positive, got " + publishTimeout);
    }
    this.publishTimeout = publishTimeout;
  }

  /** A copy whose changes leave this configuration as it is. */
  public MqttConfiguration copy() {
    try {
      return (MqttConfiguration) clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("MqttConfiguration is Cloneable", e);
    }
  }
}
