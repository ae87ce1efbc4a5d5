package dev.trustbridge.adapters.mqtt;

import dev.trustbridge.adapters.SampleBatchFilter;
import dev.trustbridge.adapters.mqtt.internal.Publication;
import dev.trustbridge.adapters.mqtt.internal.TopicTemplate;
import dev.trustbridge.adapters.mqtt.internal.Uplink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.util.URISupport;

/**
 * The {@code mqtt:} component: the gateway's uplinks to MQTT brokers, one HiveMQ client per uplink
 * shared by every endpoint that names it. Each uplink connects when the component starts, in the
 * background, so that a broker that is down does not stop the gateway from starting; publishes wait
 * for the connection up to their {@code publishTimeout}. While connected, each uplink keeps the
 * retained {@code tb/v1/<site>/<gateway>/$status} at {@code online}; a clean stop sets it to {@code
 * offline}, and the broker does so through the last will when the connection is lost.
 */
@Component("mqtt")
public class MqttComponent extends DefaultComponent {

  @Metadata(required = true, description = "The site id, the {site} level of every topic.")
  private String siteId;

  @Metadata(required = true, description = "The gateway id, the {gateway} level of every topic.")
  private String gatewayId;

  @Metadata(description = "Default options of every endpoint, such as the encoder.")
  private MqttConfiguration configuration = new MqttConfiguration();

  private SampleBatchFilter sampleBatchFilter = SampleBatchFilter.ADMIT_ALL;

  private final Map<String, UplinkSettings> uplinkSettings = new LinkedHashMap<>();
  private final Map<String, Uplink> uplinks = new ConcurrentHashMap<>();
  private final Map<String, Outbox> outboxes = new ConcurrentHashMap<>();

  /**
   * Adds an uplink; all uplinks must be added before the component starts.
   *
   * @throws IllegalArgumentException if an uplink with the same id exists
   * @throws IllegalStateException if the component has started
   */
  public synchronized void addUplink(UplinkSettings settings) {
    Objects.requireNonNull(settings, "settings");
    if (isStarting() || isStarted()) {
      throw new IllegalStateException(
          "uplink '" + settings.id() + "' added after the mqtt component started");
    }
    if (uplinkSettings.putIfAbsent(settings.id(), settings) != null) {
      throw new IllegalArgumentException("uplink '" + settings.id() + "' is configured twice");
    }
  }

  /** Replaces all uplinks; see {@link #addUplink(UplinkSettings)}. */
  public synchronized void setUplinks(List<UplinkSettings> settings) {
    if (isStarting() || isStarted()) {
      throw new IllegalStateException("uplinks replaced after the mqtt component started");
    }
    uplinkSettings.clear();
    settings.forEach(this::addUplink);
  }

  /**
   * Puts a durable outbox in front of an uplink; see {@link Outbox} for what goes through it.
   *
   * @throws IllegalArgumentException if no uplink has this id, or it has an outbox already
   * @throws IllegalStateException if the component has started
   */
  public synchronized void setOutbox(String uplinkId, Outbox outbox) {
    Objects.requireNonNull(outbox, "outbox");
    if (isStarting() || isStarted()) {
      throw new IllegalStateException(
          "outbox of uplink '" + uplinkId + "' set after the mqtt component started");
    }
    requireKnown(uplinkId, "setOutbox");
    if (outboxes.putIfAbsent(uplinkId, outbox) != null) {
      throw new IllegalArgumentException("uplink '" + uplinkId + "' has an outbox already");
    }
  }

  /** The configured uplinks, in the order they were added. */
  public synchronized List<UplinkSettings> getUplinks() {
    return new ArrayList<>(uplinkSettings.values());
  }

  /**
   * Whether the uplink's MQTT connection is up; false before start and after stop.
   *
   * @throws IllegalArgumentException if no uplink has this id
   */
  public boolean isUplinkConnected(String uplinkId) {
    synchronized (this) {
      requireKnown(uplinkId, "isUplinkConnected");
    }
    return Optional.ofNullable(uplinks.get(uplinkId)).map(Uplink::isConnected).orElse(false);
  }

  /**
   * How many times the uplink's connection was re-established after its first connect since the
   * component started; 0 before start and after stop.
   *
   * @throws IllegalArgumentException if no uplink has this id
   */
  public long getUplinkReconnects(String uplinkId) {
    synchronized (this) {
      requireKnown(uplinkId, "getUplinkReconnects");
    }
    return Optional.ofNullable(uplinks.get(uplinkId))
        .map(uplink -> Math.max(0, uplink.connects() - 1))
        .orElse(0L);
  }

  public String getSiteId() {
    return siteId;
  }

  /** The site id, the {@code {site}} topic level; required. */
  public void setSiteId(String siteId) {
    this.siteId = siteId;
  }

  public String getGatewayId() {
    return gatewayId;
  }

  /**
   * The gateway id, the {@code {gateway}} topic level and the default MQTT client id prefix;
   * required.
   */
  public void setGatewayId(String gatewayId) {
    this.gatewayId = gatewayId;
  }

  public MqttConfiguration getConfiguration() {
    return configuration;
  }

  /** Default options that every endpoint starts from, such as the {@code SampleBatchEncoder}. */
  public void setConfiguration(MqttConfiguration configuration) {
    this.configuration = Objects.requireNonNull(configuration, "configuration");
  }

  public SampleBatchFilter getSampleBatchFilter() {
    return sampleBatchFilter;
  }

  /**
   * What every producer applies to a {@code SampleBatch} body before encoding it: the gateway's
   * telemetry policy. Deliberately no endpoint option, so that a route cannot replace it.
   *
   * @throws IllegalStateException if the component has started
   */
  public synchronized void setSampleBatchFilter(SampleBatchFilter sampleBatchFilter) {
    if (isStarting() || isStarted()) {
      throw new IllegalStateException(
          "sample batch filter replaced after the mqtt component started");
    }
    this.sampleBatchFilter = Objects.requireNonNull(sampleBatchFilter, "sampleBatchFilter");
  }

  /**
   * Publishes the gateway's own message (certificate chains, command results) on an uplink, past
   * the {@link SampleBatchFilter}, which governs only what routes send.
   *
   * @param topic a topic template with {@code {site}} and {@code {gateway}}, e.g. {@code
   *     tb/v1/{site}/{gateway}/$certs}
   * @return completes when the broker has it (PUBACK), or exceptionally with an {@link
   *     MqttUplinkException} when the uplink cannot publish within {@code timeout}
   */
  public CompletableFuture<Void> publish(
      String uplinkId, String topic, byte[] payload, boolean retain, Duration timeout) {
    String resolved = TopicTemplate.forPublish(topic, siteId, gatewayId).resolve(Optional.empty());
    return uplink(uplinkId)
        .publish(new Publication(resolved, payload, 1, retain, Optional.empty()), timeout);
  }

  /**
   * Topic filters contain {@code +} and {@code #}, which URI decoding would turn into a space and a
   * fragment; so options reach this component as written.
   */
  @Override
  public boolean useRawUri() {
    return true;
  }

  @Override
  protected synchronized Endpoint createEndpoint(
      String uri, String remaining, Map<String, Object> parameters) throws Exception {
    requireKnown(remaining, URISupport.sanitizeUri(uri));
    MqttConfiguration endpointConfiguration = configuration.copy();
    setProperties(endpointConfiguration, parameters);
    return new MqttEndpoint(uri, this, remaining, endpointConfiguration);
  }

  @Override
  protected synchronized void doStart() throws Exception {
    super.doStart();
    if (siteId == null || gatewayId == null) {
      throw new IllegalStateException("the mqtt component needs siteId and gatewayId");
    }
    // fails on ids that cannot be topic levels before any uplink connects
    TopicTemplate.forPublish(MqttConstants.STATUS_TOPIC, siteId, gatewayId);
    // prepares every uplink's TLS first, so that one bad CA file or key starts none of them
    List<Uplink> prepared = new ArrayList<>();
    for (UplinkSettings settings : uplinkSettings.values()) {
      prepared.add(new Uplink(settings, siteId, gatewayId, Clock.systemUTC()));
    }
    for (Uplink uplink : prepared) {
      uplinks.put(uplink.id(), uplink);
      uplink.start();
      Outbox outbox = outboxes.get(uplink.id());
      if (outbox != null) {
        outbox.start(uplink.publisher(Duration.ofMillis(configuration.getPublishTimeout())));
      }
    }
  }

  @Override
  protected synchronized void doStop() throws Exception {
    outboxes.values().forEach(Outbox::stop);
    for (Uplink uplink : uplinks.values()) {
      uplink.stop();
    }
    uplinks.clear();
    super.doStop();
  }

  Optional<Outbox> outbox(String uplinkId) {
    return Optional.ofNullable(outboxes.get(uplinkId));
  }

  Uplink uplink(String uplinkId) {
    Uplink uplink = uplinks.get(uplinkId);
    if (uplink == null) {
      throw new IllegalStateException(
          "uplink '" + uplinkId + "' is not running: the mqtt component has not started");
    }
    return uplink;
  }

  private void requireKnown(String uplinkId, String context) {
    if (!uplinkSettings.containsKey(uplinkId)) {
      throw new IllegalArgumentException(
          "unknown uplink '"
              + uplinkId
              + "' in "
              + context
              + "; configured uplinks: "
              + uplinkSettings.keySet());
    }
  }
}
