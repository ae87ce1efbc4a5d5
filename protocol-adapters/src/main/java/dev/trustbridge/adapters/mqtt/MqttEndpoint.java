package dev.trustbridge.adapters.mqtt;

import dev.trustbridge.adapters.mqtt.internal.MqttConsumer;
import dev.trustbridge.adapters.mqtt.internal.MqttProducer;
import dev.trustbridge.adapters.mqtt.internal.TopicTemplate;
import java.time.Duration;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Publishes to, or subscribes on, one uplink of the {@link MqttComponent}: {@code
 * mqtt:<uplinkId>?topic=…&qos=1&retain=false}. All endpoints of an uplink share its one MQTT
 * connection.
 */
@UriEndpoint(
    firstVersion = "0.1.0",
    scheme = "mqtt",
    title = "TrustBridge MQTT uplink",
    syntax = "mqtt:uplinkId",
    category = {Category.IOT, Category.MESSAGING},
    headersClass = MqttConstants.class)
public class MqttEndpoint extends DefaultEndpoint {

  @UriPath(description = "The id of the uplink, one of the component's configured uplinks.")
  @Metadata(required = true)
  private final String uplinkId;

  @UriParam private final MqttConfiguration configuration;

  MqttEndpoint(
      String uri, MqttComponent component, String uplinkId, MqttConfiguration configuration) {
    super(uri, component);
    this.uplinkId = uplinkId;
    this.configuration = configuration;
  }

  @Override
  public Producer createProducer() {
    MqttComponent component = getComponent();
    TopicTemplate topic;
    try {
      topic =
          TopicTemplate.forPublish(
              configuration.getTopic(), component.getSiteId(), component.getGatewayId());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(getEndpointUri() + ": " + e.getMessage(), e);
    }
    return new MqttProducer(
        this,
        () -> component.uplink(uplinkId),
        () -> component.outbox(uplinkId),
        topic,
        configuration.getEncoder(),
        component.getSampleBatchFilter(),
        configuration.getQos(),
        configuration.isRetain(),
        Duration.ofMillis(configuration.getPublishTimeout()));
  }

  @Override
  public Consumer createConsumer(Processor processor) throws Exception {
    MqttComponent component = getComponent();
    String filter;
    try {
      filter =
          TopicTemplate.filter(
              configuration.getTopic(), component.getSiteId(), component.getGatewayId());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(getEndpointUri() + ": " + e.getMessage(), e);
    }
    MqttConsumer consumer =
        new MqttConsumer(
            this, processor, () -> component.uplink(uplinkId), filter, configuration.getQos());
    configureConsumer(consumer);
    return consumer;
  }

  @Override
  public MqttComponent getComponent() {
    return (MqttComponent) super.getComponent();
  }

  /** The id of the uplink this endpoint uses. */
  public String getUplinkId() {
    return uplinkId;
  }

  /** This endpoint's options. */
  public MqttConfiguration getConfiguration() {
    return configuration;
  }
}
