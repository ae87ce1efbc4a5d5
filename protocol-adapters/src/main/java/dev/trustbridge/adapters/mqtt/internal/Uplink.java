package dev.trustbridge.adapters.mqtt.internal;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientReconnector;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import dev.trustbridge.adapters.mqtt.MqttConstants;
import dev.trustbridge.adapters.mqtt.MqttUplinkException;
import dev.trustbridge.adapters.mqtt.UplinkPublisher;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT connection to one broker, shared by every endpoint of its uplink id. It connects in the
 * background, reconnects with exponential backoff until stopped, keeps the retained {@code $status}
 * of the gateway current, and lets publishes wait for the connection up to their timeout.
 */
public final class Uplink {

  private static final Logger log = LoggerFactory.getLogger(Uplink.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SHUTDOWN_STEP_TIMEOUT = Duration.ofSeconds(5);
  private static final double JITTER = 0.25;

  private final UplinkSettings settings;
  private final String clientId;
  private final String statusTopic;
  private final StatusMessages status;
  private final Clock clock;
  private final MqttWire wire;

  // replaced by a new incomplete future on every disconnect; completed on every connect
  private volatile CompletableFuture<Void> connected = new CompletableFuture<>();
  private volatile CompletableFuture<Void> reconnectWait = CompletableFuture.completedFuture(null);
  private volatile Throwable lastError;
  private final AtomicLong connects = new AtomicLong();
  private volatile boolean stopping;

  /**
   * Prepares the uplink and its TLS configuration; {@link #start()} connects.
   *
   * @throws MqttUplinkException if the CA file or the client key managers are unusable
   */
  public Uplink(UplinkSettings settings, String siteId, String gatewayId, Clock clock) {
    this.settings = settings;
    this.clientId = settings.clientId().orElse(gatewayId + "-" + settings.id());
    this.statusTopic =
        TopicTemplate.forPublish(MqttConstants.STATUS_TOPIC, siteId, gatewayId)
            .resolve(Optional.empty());
    this.status = new StatusMessages(siteId, gatewayId, settings.id());
    this.clock = clock;
    MqttClientTransportConfigBuilder transport =
        MqttClientTransportConfig.builder()
            .serverHost(settings.host())
            .serverPort(settings.port())
            .socketConnectTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .mqttConnectTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (settings.tls()) {
      transport = transport.sslConfig(UplinkTls.sslConfig(settings));
    }
    MqttClientBuilder builder =
        MqttClient.builder()
            .identifier(clientId)
            .transportConfig(transport.build())
            .addConnectedListener(this::onConnected)
            .addDisconnectedListener(this::onDisconnected);
    Optional<Publication> will =
        settings.gatewayStatus()
            ? Optional.of(
                new Publication(
                    statusTopic,
                    status.connectionLost(),
                    1,
                    true,
                    Optional.of(StatusMessages.CONTENT_TYPE)))
            : Optional.empty();
    this.wire = MqttWire.create(builder, settings, will);
  }

  /** The uplink's id. */
  public String id() {
    return settings.id();
  }

  /** Whether the MQTT connection is up. */
  public boolean isConnected() {
    return wire.isConnected();
  }

  /** How many times the MQTT connection came up since start: 1 plus the reconnects. */
  public long connects() {
    return connects.get();
  }

  /** Starts connecting in the background; returns at once. */
  public void start() {
    log.info(
        "uplink connecting id={} server={} clientId={} version={} clientKey={} pinnedKeys={}",
        settings.id(),
        settings.serverUri(),
        clientId,
        settings.version(),
        settings.clientKeyDescription(),
        settings.pinnedPublicKeys().size());
    wire.connect(settings)
        .whenComplete(
            (ignored, error) -> {
              if (error != null && !stopping) {
                log.error(
                    "uplink gave up connecting id={} server={} error={}",
                    settings.id(),
                    settings.serverUri(),
                    ConnectionErrors.describe(error, settings));
              }
            });
  }

  /**
   * Publishes once connected. Completes when the message is written (QoS 0) or acknowledged (QoS
   * 1); fails with an {@link MqttUplinkException} if the uplink is not connected within {@code
   * timeout}, no acknowledgement arrives within it, or the broker rejects the message. A message
   * that timed out may still be delivered later: QoS 1 is at-least-once.
   */
  public CompletableFuture<Void> publish(Publication publication, Duration timeout) {
    CompletableFuture<Void> ready = connected;
    // a continuation of `ready` would run on the client's event loop, where a publish may block
    CompletableFuture<Void> sent =
        ready.isDone() ? send(publication) : ready.thenComposeAsync(ignored -> send(publication));
    return withTimeout(sent, publication, ready, timeout);
  }

  /**
   * A publisher for an outbox: it sends at once, so that messages keep the order of the calls,
   * rather than waiting for the connection as {@link #publish} does.
   */
  public UplinkPublisher publisher(Duration timeout) {
    return new UplinkPublisher() {
      @Override
      public boolean isConnected() {
        return wire.isConnected();
      }

      @Override
      public CompletableFuture<Void> publish(String topic, byte[] payload, String contentType) {
        Publication publication =
            new Publication(topic, payload, 1, false, Optional.of(contentType));
        return withTimeout(send(publication), publication, connected, timeout);
      }
    };
  }

  private CompletableFuture<Void> withTimeout(
      CompletableFuture<Void> sent,
      Publication publication,
      CompletableFuture<Void> ready,
      Duration timeout) {
    return sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (ignored, error) -> {
              if (error != null) {
                throw new CompletionException(
                    publishFailure(publication.topic(), unwrap(error), ready.isDone(), timeout));
              }
              return null;
            });
  }

  /**
   * Subscribes once connected; the client subscribes again after every reconnect that lost the
   * session. Fails with an {@link MqttUplinkException} if the broker refuses the subscription.
   */
  public CompletableFuture<Void> subscribe(
      String filter, int qos, Consumer<ReceivedMessage> handler, Executor executor) {
    return connected
        .thenComposeAsync(ignored -> wire.subscribe(filter, qos, handler, executor))
        .handle(
            (ignored, error) -> {
              if (error != null) {
                throw new CompletionException(
                    new MqttUplinkException(
                        settings.id(),
                        where() + " could not subscribe to '" + filter + "': " + unwrap(error),
                        unwrap(error)));
              }
              log.info("uplink subscribed id={} filter={} qos={}", settings.id(), filter, qos);
              return null;
            });
  }

  /** Removes a subscription; completes at once if the uplink is not connected. */
  public CompletableFuture<Void> unsubscribe(String filter) {
    return wire.isConnected() ? wire.unsubscribe(filter) : CompletableFuture.completedFuture(null);
  }

  /**
   * Stops reconnecting; if connected, publishes the retained {@code offline} status and disconnects
   * cleanly, so that the broker does not publish the last will. Waits at most 5 s for each step.
   */
  public void stop() {
    stopping = true;
    reconnectWait.complete(null);
    if (wire.isConnected()) {
      if (settings.gatewayStatus()) {
        awaitQuietly(
            "publish offline status",
            wire.publish(
                new Publication(
                    statusTopic,
                    status.shutdown(clock.instant()),
                    1,
                    true,
                    Optional.of(StatusMessages.CONTENT_TYPE))));
      }
      awaitQuietly("disconnect", wire.disconnect());
    }
    log.info("uplink stopped id={} server={}", settings.id(), settings.serverUri());
  }

  private void onConnected(MqttClientConnectedContext context) {
    if (stopping) {
      wire.disconnect();
      return;
    }
    lastError = null;
    connects.incrementAndGet();
    log.info(
        "uplink connected id={} server={} clientId={}",
        settings.id(),
        settings.serverUri(),
        clientId);
    connected.complete(null);
    if (settings.gatewayStatus()) {
      publishOnlineStatus();
    }
  }

  private void publishOnlineStatus() {
    CompletableFuture.supplyAsync(
            () ->
                wire.publish(
                    new Publication(
                        statusTopic,
                        status.online(clock.instant()),
                        1,
                        true,
                        Optional.of(StatusMessages.CONTENT_TYPE))))
        .thenCompose(sent -> sent)
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                log.warn(
                    "uplink could not publish online status id={} topic={} error={}",
                    settings.id(),
                    statusTopic,
                    unwrap(error).toString());
              }
            });
  }

  // runs on the client's event loop, once per lost connection and per failed attempt
  private void onDisconnected(MqttClientDisconnectedContext context) {
    lastError = context.getCause();
    if (connected.isDone()) {
      connected = new CompletableFuture<>();
    }
    if (stopping || context.getSource() == MqttDisconnectSource.USER) {
      return;
    }
    MqttClientReconnector reconnector = context.getReconnector();
    Duration delay = backoff(reconnector.getAttempts());
    log.warn(
        "uplink disconnected id={} server={} source={} error={} attempt={} retryInMs={}",
        settings.id(),
        settings.serverUri(),
        context.getSource(),
        ConnectionErrors.describe(context.getCause(), settings),
        reconnector.getAttempts(),
        delay.toMillis());
    // the client checks reconnect() again when this future completes, so stop() can cancel it
    CompletableFuture<Void> wait =
        new CompletableFuture<Void>()
            .completeOnTimeout(null, delay.toMillis(), TimeUnit.MILLISECONDS);
    reconnectWait = wait;
    reconnector
        .delay(0, TimeUnit.MILLISECONDS)
        .reconnectWhen(
            wait,
            (ignored, error) -> {
              if (stopping) {
                reconnector.reconnect(false);
              }
            });
  }

  // the client rejects an invalid topic by throwing rather than by a failed future
  private CompletableFuture<Void> send(Publication publication) {
    try {
      return wire.publish(publication);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Duration backoff(int attempts) {
    long initial = settings.reconnectInitialDelay().toMillis();
    long max = settings.reconnectMaxDelay().toMillis();
    int doublings = Math.min(Math.max(attempts - 1, 0), 30);
    long base = Math.min(max, initial << doublings);
    // spreads the reconnects of many gateways after a broker outage
    double factor = 1 + ThreadLocalRandom.current().nextDouble(-JITTER, JITTER);
    return Duration.ofMillis(Math.max(1, Math.min(max, Math.round(base * factor))));
  }

  private MqttUplinkException publishFailure(
      String topic, Throwable error, boolean wasConnected, Duration timeout) {
    if (error instanceof TimeoutException) {
      String message =
          wasConnected
              ? where()
                  + " got no acknowledgement for topic '"
                  + topic
                  + "' within "
                  + timeout.toMillis()
                  + " ms"
              : where()
                  + " is not connected within "
                  + timeout.toMillis()
                  + " ms; last error: "
                  + ConnectionErrors.describe(lastError, settings);
      return new MqttUplinkException(settings.id(), message, lastError);
    }
    return new MqttUplinkException(
        settings.id(), where() + " could not publish to '" + topic + "': " + error, error);
  }

  private String where() {
    return "uplink '" + settings.id() + "' (" + settings.serverUri() + ")";
  }

  private void awaitQuietly(String step, CompletableFuture<Void> future) {
    try {
      future.get(SHUTDOWN_STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("uplink could not {} id={} error={}", step, settings.id(), unwrap(e).toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("uplink interrupted during {} id={}", step, settings.id());
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
