package dev.trustbridge.adapters.opcua;

import dev.trustbridge.adapters.DeviceWriter;
import dev.trustbridge.adapters.internal.Backoff;
import dev.trustbridge.adapters.opcua.internal.DeviceConnection;
import dev.trustbridge.adapters.opcua.internal.OpcUaWriter;
import dev.trustbridge.adapters.opcua.internal.Providers;
import dev.trustbridge.adapters.opcua.internal.ServerCertificateCheck;
import dev.trustbridge.adapters.opcua.internal.SessionOpener;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.apache.camel.Endpoint;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code opcua:} Camel component: {@code opcua:<deviceId>} delivers the samples of a registered
 * OPC UA server, one {@link dev.trustbridge.adapters.SampleBatch} per subscription notification or
 * poll, over a secure channel authenticated with the gateway's {@link OpcUaApplicationIdentity}.
 * Each device has one connection, opened when its first route starts, shared by routes and {@link
 * #write writes}, and closed when the component stops.
 */
@Component("opcua")
public class OpcUaComponent extends DefaultComponent {

  private static final Logger LOG = LoggerFactory.getLogger(OpcUaComponent.class);

  private final Map<String, OpcUaDevice> devices = new LinkedHashMap<>();
  private final Map<String, DeviceConnection> connections = new LinkedHashMap<>();
  private OpcUaApplicationIdentity applicationIdentity;
  private BiConsumer<String, Boolean> stateListener = (device, up) -> {};
  private boolean developmentMode;
  private String configDirectory = "DIR";
  private long reconnectDelay = 1000;
  private long maxReconnectDelay = 30_000;
  private int maxSamplesPerBatch = 1000;

  public OpcUaComponent() {
    Providers.ensureBouncyCastle();
  }

  /** Registers a device so that routes can read it; a second device with the same id is refused. */
  public synchronized void addDevice(OpcUaDevice device) {
    if (device.isInsecure() && !developmentMode) {
      throw new IllegalArgumentException(
          "OPC UA device " + device.id() + ": security None is allowed in development mode only");
    }
    if (devices.putIfAbsent(device.id(), device) != null) {
      throw new IllegalArgumentException("OPC UA device " + device.id() + " is registered twice");
    }
  }

  /** The gateway's application instance certificate and key; required before the first route. */
  public void setApplicationIdentity(OpcUaApplicationIdentity applicationIdentity) {
    this.applicationIdentity = applicationIdentity;
  }

  public OpcUaApplicationIdentity getApplicationIdentity() {
    return applicationIdentity;
  }

  /**
   * Development mode allows security policy None and trusts an unknown server certificate on first
   * use (logged as a WARN line). Set it before registering devices. Off by default.
   */
  public void setDevelopmentMode(boolean developmentMode) {
    this.developmentMode = developmentMode;
  }

  public boolean isDevelopmentMode() {
    return developmentMode;
  }

  /** The configuration directory that the {@code trustbridge opcua trust} hint in errors names. */
  public void setConfigDirectory(String configDirectory) {
    this.configDirectory = configDirectory;
  }

  public String getConfigDirectory() {
    return configDirectory;
  }

  /**
   * Milliseconds to wait before the first reconnect attempt after a device was lost; each further
   * failure doubles the wait (with jitter) up to {@link #setMaxReconnectDelay maxReconnectDelay}.
   */
  public void setReconnectDelay(long reconnectDelay) {
    this.reconnectDelay = reconnectDelay;
  }

  public long getReconnectDelay() {
    return reconnectDelay;
  }

  /** The longest wait between reconnect attempts, in milliseconds. */
  public void setMaxReconnectDelay(long maxReconnectDelay) {
    this.maxReconnectDelay = maxReconnectDelay;
  }

  public long getMaxReconnectDelay() {
    return maxReconnectDelay;
  }

  /** The default of every endpoint's {@code maxSamplesPerBatch}. */
  public void setMaxSamplesPerBatch(int maxSamplesPerBatch) {
    this.maxSamplesPerBatch = maxSamplesPerBatch;
  }

  public int getMaxSamplesPerBatch() {
    return maxSamplesPerBatch;
  }

  /**
   * Writes a value to a tag of a registered device, converted to the node's data type, over the
   * device's connection (opened now if no route has opened it yet).
   *
   * @return completes with the server's status code for the write: Good, or the reason the server
   *     refused it (e.g. Bad_UserAccessDenied); fails with {@link IllegalArgumentException} for an
   *     unknown device or tag or a value the node's type cannot hold, with {@link
   *     IllegalStateException} while the device is not connected, or with the transport's error
   */
  public CompletionStage<StatusCode> write(String deviceId, String tag, Object value) {
    DeviceConnection connection;
    try {
      connection = connection(deviceId);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return connection.write(tag, value);
  }

  /**
   * Sets who is told, per device, when its session comes up ({@code true}) and when it goes down
   * ({@code false}), such as the gateway's metrics; set before the component starts. Must not
   * block.
   */
  public void setStateListener(BiConsumer<String, Boolean> stateListener) {
    this.stateListener = Objects.requireNonNull(stateListener, "stateListener");
  }

  /** What writes permitted commands to this component's devices. */
  public DeviceWriter writer() {
    return new OpcUaWriter(this, id -> Optional.ofNullable(device(id)));
  }

  @Override
  protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters)
      throws Exception {
    OpcUaDevice device = device(remaining);
    if (device == null) {
      throw new ResolveEndpointFailedException(
          uri, "no registered OPC UA device '" + remaining + "'; registered: " + devices.keySet());
    }
    OpcUaEndpoint endpoint = new OpcUaEndpoint(uri, this, device);
    endpoint.setMaxSamplesPerBatch(maxSamplesPerBatch);
    setProperties(endpoint, parameters);
    return endpoint;
  }

  private synchronized OpcUaDevice device(String id) {
    return devices.get(id);
  }

  /** The device's connection, opened on first use. */
  synchronized DeviceConnection connection(String deviceId) {
    DeviceConnection existing = connections.get(deviceId);
    if (existing != null) {
      return existing;
    }
    OpcUaDevice device = devices.get(deviceId);
    if (device == null) {
      throw new IllegalArgumentException(
          "no registered OPC UA device '" + deviceId + "'; registered: " + devices.keySet());
    }
    if (applicationIdentity == null) {
      throw new IllegalStateException(
          "the opcua component has no application identity; set it before routes start");
    }
    SessionOpener opener =
        new SessionOpener(
            device,
            applicationIdentity.applicationUri(),
            applicationIdentity.keys(),
            applicationIdentity.certificate(),
            new ServerCertificateCheck(device, developmentMode, configDirectory),
            developmentMode);
    DeviceConnection connection =
        new DeviceConnection(
            device,
            opener,
            new Backoff(
                Duration.ofMillis(reconnectDelay),
                Duration.ofMillis(maxReconnectDelay),
                ThreadLocalRandom.current()),
            Clock.systemUTC(),
            stateListener);
    connections.put(deviceId, connection);
    connection.start();
    return connection;
  }

  @Override
  protected void doStop() throws Exception {
    closeConnections();
    super.doStop();
  }

  private synchronized void closeConnections() {
    for (Map.Entry<String, DeviceConnection> entry : connections.entrySet()) {
      entry.getValue().close();
      LOG.info("opcua device closed device={}", entry.getKey());
    }
    connections.clear();
  }
}
