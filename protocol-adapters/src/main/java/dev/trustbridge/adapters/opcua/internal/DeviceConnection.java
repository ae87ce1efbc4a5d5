package dev.trustbridge.adapters.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.internal.Backoff;
import dev.trustbridge.adapters.opcua.OpcUaDevice;
import dev.trustbridge.adapters.opcua.OpcUaTag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's connection to one OPC UA device, from registration to shutdown: opens a session,
 * creates one subscription with a monitored item per subscribed tag, reads polled tags every poll
 * interval, and hands every batch of samples to its listeners. When the session is lost it tears
 * the client down, waits a backoff delay and opens a new session with a new subscription, so no
 * state of a dead session survives. A device whose fingerprint does not match is stopped for good.
 *
 * <p>All state lives on one thread per device; listeners are called on it, one batch at a time.
 */
public final class DeviceConnection implements AutoCloseable {

  // told the device id and true on every session up, false on every transition to down
  private final BiConsumer<String, Boolean> stateListener;

  private static final Logger LOG = LoggerFactory.getLogger(DeviceConnection.class);
  private static final Duration MIN_PUBLISHING_INTERVAL = Duration.ofMillis(50);
  // 5000 numeric data changes make a Publish response of about 170 KiB, far below the 2 MiB
  // message limit; a server with more to report sends the rest in the next response
  private static final int MAX_NOTIFICATIONS_PER_PUBLISH = 5000;
  private static final Duration OVERFLOW_LOG_INTERVAL = Duration.ofMinutes(1);

  /** Where a connection is in its life. */
  private enum State {
    CONNECTING,
    UP,
    DOWN,
    STOPPED,
    CLOSED
  }

  private final OpcUaDevice device;
  private final SessionOpener opener;
  private final Backoff backoff;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final List<Consumer<SampleBatch>> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, OpcUaTag> tags = new LinkedHashMap<>();
  private final List<OpcUaTag> polled = new ArrayList<>();
  private final List<OpcUaTag> subscribed = new ArrayList<>();

  // confined to the executor thread
  private OpcUaClient client;
  private OpcUaSubscription subscription;
  private volatile State state = State.CONNECTING;
  private String downReason = "";
  private long overflowsTotal;
  private Instant lastOverflowLog;

  public DeviceConnection(
      OpcUaDevice device,
      SessionOpener opener,
      Backoff backoff,
      Clock clock,
      BiConsumer<String, Boolean> stateListener) {
    this.device = device;
    this.stateListener = stateListener;
    this.opener = opener;
    this.backoff = backoff;
    this.clock = clock;
    for (OpcUaTag tag : device.tags()) {
      tags.put(tag.name(), tag);
      (tag.mode() == OpcUaTag.Mode.POLL ? polled : subscribed).add(tag);
    }
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "opcua-" + device.id());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts connecting; returns at once. */
  public void start() {
    long interval = device.pollInterval().toMillis();
    executor.execute(this::connect);
    executor.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
  }

  public void addListener(Consumer<SampleBatch> listener) {
    listeners.add(listener);
  }

  public void removeListener(Consumer<SampleBatch> listener) {
    listeners.remove(listener);
  }

  /**
   * Writes {@code value} to the tag's node, converted to the node's current data type.
   *
   * @return completes with the server's status for the write (Good or the reason it refused); fails
   *     if the device is not connected, the tag unknown, the value not convertible, or the request
   *     not answered
   */
  public CompletionStage<StatusCode> write(String tagName, Object value) {
    CompletableFuture<StatusCode> result = new CompletableFuture<>();
    OpcUaTag tag = tags.get(tagName);
    if (tag == null) {
      result.completeExceptionally(
          new IllegalArgumentException(
              "device " + device.id() + " has no tag '" + tagName + "'; tags: " + tags.keySet()));
      return result;
    }
    try {
      executor.execute(() -> startWrite(tag, value, result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new IllegalStateException("OPC UA device " + device.id() + " is closed"));
    }
    return result;
  }

  private void startWrite(OpcUaTag tag, Object value, CompletableFuture<StatusCode> result) {
    if (state != State.UP) {
      result.completeExceptionally(
          new IllegalStateException(
              "OPC UA device " + device.id() + " is not connected (" + state + ")"));
      return;
    }
    OpcUaClient current = client;
    NodeId node = NodeId.parse(tag.nodeId());
    current
        .readValuesAsync(0.0, TimestampsToReturn.Neither, List.of(node))
        .thenCompose(
            values ->
                current.writeValuesAsync(
                    List.of(node),
                    List.of(
                        DataValue.valueOnly(
                            WriteValues.coerce(
                                tag.name(), value, values.get(0).getValue().getValue())))))
        .whenComplete(
            (statuses, error) -> {
              if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                LOG.warn(
                    "opcua write failed device={} tag={} error=\"{}\"",
                    device.id(),
                    tag.name(),
                    cause.getMessage());
                result.completeExceptionally(cause);
              } else {
                StatusCode status = statuses.get(0);
                LOG.info(
                    "opcua write device={} tag={} status={}",
                    device.id(),
                    tag.name(),
                    statusName(status));
                result.complete(status);
              }
            });
  }

  private void connect() {
    if (state == State.CLOSED || state == State.STOPPED) {
      return;
    }
    OpcUaClient opened;
    try {
      opened = opener.open();
    } catch (ConnectFailure failure) {
      if (failure.isFatal()) {
        stop(failure.getMessage());
      } else {
        down(reason(failure));
      }
      return;
    } catch (RuntimeException e) {
      // whatever the client library throws, the device must stay scheduled for a retry
      down(e.getClass().getSimpleName() + ": " + reason(e));
      return;
    }
    client = opened;
    long started = System.nanoTime();
    List<OpcUaTag> refused = List.of();
    try {
      if (!subscribed.isEmpty()) {
        subscription = subscribe(opened);
        refused = MonitoredItems.create(subscription, device.id(), subscribed);
      }
    } catch (UaException | RuntimeException e) {
      down("subscription not created: " + reason(e));
      return;
    }
    opened.addSessionActivityListener(
        new SessionActivityListener() {
          @Override
          public void onSessionInactive(UaSession session) {
            submit(() -> lost(opened, "session lost"));
          }
        });
    backoff.reset();
    State before = state;
    state = State.UP;
    stateListener.accept(device.id(), true);
    LOG.info(
        "opcua device up device={} endpoint={} security={} subscribed={} refused={}"
            + " subscribeMs={} publishingMs={} polled={} recovered={}",
        device.id(),
        device.endpointUrl(),
        SessionOpener.describe(opened),
        subscribed.size() - refused.size(),
        refused.size(),
        (System.nanoTime() - started) / 1_000_000,
        subscription == null
            ? 0
            : Math.round(subscription.getRevisedPublishingInterval().orElse(0.0)),
        polled.size(),
        before == State.DOWN);
    if (!refused.isEmpty()) {
      // the only sample a refused tag yields: its flow shows it missing instead of falling silent
      emitBad(refused);
    }
  }

  private OpcUaSubscription subscribe(OpcUaClient opened) throws UaException {
    Duration fastest =
        subscribed.stream().map(OpcUaTag::samplingInterval).min(Duration::compareTo).orElseThrow();
    // Publishing at the sampling interval, the server's sampling and publishing clocks drift
    // against each other; for a while two samples then fall into one publishing interval and a
    // queue of one silently keeps only the later (measured with 10,000 items changing every
    // second: 2.2% of the values lost in 15 minutes). At half the interval, samples one interval
    // apart never share one; only a server catching up after a stall still needs a longer queue.
    OpcUaSubscription created =
        new OpcUaSubscription(
            opened, (double) Math.max(fastest.toMillis() / 2, MIN_PUBLISHING_INTERVAL.toMillis()));
    created.setMaxNotificationsPerPublish(uint(MAX_NOTIFICATIONS_PER_PUBLISH));
    created.setSubscriptionListener(
        new OpcUaSubscription.SubscriptionListener() {
          @Override
          public void onDataReceived(
              OpcUaSubscription from, List<OpcUaMonitoredItem> items, List<DataValue> values) {
            received(from, items, values);
          }

          @Override
          public void onNotificationDataLost(OpcUaSubscription from) {
            submit(
                () -> {
                  if (from == subscription) {
                    LOG.warn(
                        "opcua notifications lost device={} reason=\"the server could not"
                            + " republish a missed notification message\"",
                        device.id());
                  }
                });
          }

          @Override
          public void onTransferFailed(OpcUaSubscription from, StatusCode status) {
            submit(() -> lost(opened, "subscription not transferred: " + statusName(status)));
          }
        });
    created.create();
    return created;
  }

  /**
   * Turns a notification's data changes into one batch and emits it on the device's thread. Waits
   * until it is emitted: Milo sends the next Publish request only when this returns, so a slow
   * route holds the values back in the server's monitored item queues, which are bounded, instead
   * of in a queue here.
   */
  private void received(
      OpcUaSubscription from, List<OpcUaMonitoredItem> items, List<DataValue> values) {
    Instant now = clock.instant();
    List<Sample> samples = new ArrayList<>(items.size());
    int overflowed = 0;
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).getUserObject().orElse(null) instanceof OpcUaTag tag) {
        DataValue value = values.get(i);
        if (value.getStatusCode() != null && value.getStatusCode().isOverflowSet()) {
          overflowed++;
        }
        samples.add(Samples.of(tag, value, now));
      }
    }
    int overflows = overflowed;
    Future<?> emitted;
    try {
      emitted =
          executor.submit(
              () -> {
                if (from == subscription && state == State.UP) {
                  countOverflows(overflows);
                  emit(samples);
                }
              });
    } catch (RejectedExecutionException e) {
      return; // closed
    }
    try {
      emitted.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (CancellationException e) {
      // closed before the batch was emitted
    } catch (ExecutionException e) {
      LOG.error("opcua notification not emitted device={}", device.id(), e.getCause());
    }
  }

  /**
   * Counts values the server marked with the Overflow bit: their monitored item's queue was full,
   * so the server discarded at least one older value (servers set it for queues of 2 and more).
   */
  private void countOverflows(int overflows) {
    if (overflows == 0) {
      return;
    }
    overflowsTotal += overflows;
    Instant now = clock.instant();
    if (lastOverflowLog == null || !now.isBefore(lastOverflowLog.plus(OVERFLOW_LOG_INTERVAL))) {
      lastOverflowLog = now;
      LOG.warn(
          "opcua server queue overflow device={} overflowedSamples={} overflowedTotal={}"
              + " hint=\"values were discarded in the server; raise the tag's queueSize\"",
          device.id(),
          overflows,
          overflowsTotal);
    }
  }

  private void tick() {
    try {
      if (state == State.DOWN && device.whileDown() == OpcUaDevice.WhileDown.BAD) {
        emitBad(device.tags());
      } else if (state == State.UP && !polled.isEmpty()) {
        read(client);
      }
    } catch (RuntimeException e) {
      // an exception would cancel every later tick of this device
      LOG.error("opcua tick failed device={}", device.id(), e);
    }
  }

  private void read(OpcUaClient current) {
    List<NodeId> nodes = polled.stream().map(tag -> NodeId.parse(tag.nodeId())).toList();
    current
        .readValuesAsync(0.0, TimestampsToReturn.Both, nodes)
        .whenComplete(
            (values, error) ->
                submit(
                    () -> {
                      if (current != client || state != State.UP) {
                        return;
                      }
                      if (error != null) {
                        lost(current, "read failed: " + reason(error));
                        return;
                      }
                      Instant now = clock.instant();
                      List<Sample> samples = new ArrayList<>(polled.size());
                      for (int i = 0; i < polled.size(); i++) {
                        samples.add(Samples.of(polled.get(i), values.get(i), now));
                      }
                      emit(samples);
                    }));
  }

  private void lost(OpcUaClient from, String why) {
    if (from != client || state != State.UP) {
      return;
    }
    down(why);
  }

  private void down(String why) {
    releaseClient();
    Duration delay = backoff.nextDelay();
    if (state != State.DOWN) {
      state = State.DOWN;
      stateListener.accept(device.id(), false);
      LOG.warn(
          "opcua device down device={} endpoint={} reason=\"{}\" retryInMs={} whileDown={}",
          device.id(),
          device.endpointUrl(),
          why.replace('"', '\''),
          delay.toMillis(),
          device.whileDown());
      if (device.whileDown() == OpcUaDevice.WhileDown.BAD) {
        emitBad(device.tags());
      }
    } else if (!why.equals(downReason)) {
      // a new reason while down (e.g. the server is back with another certificate) is news
      LOG.warn(
          "opcua device still down device={} endpoint={} reason=\"{}\" retryInMs={}",
          device.id(),
          device.endpointUrl(),
          why.replace('"', '\''),
          delay.toMillis());
    } else {
      LOG.debug(
          "opcua reconnect failed device={} endpoint={} reason=\"{}\" retryInMs={}",
          device.id(),
          device.endpointUrl(),
          why.replace('"', '\''),
          delay.toMillis());
    }
    downReason = why;
    executor.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void stop(String why) {
    releaseClient();
    state = State.STOPPED;
    LOG.error(
        "opcua device flow stopped device={} endpoint={} reason=\"{}\"",
        device.id(),
        device.endpointUrl(),
        why.replace('"', '\''));
  }

  private void releaseClient() {
    OpcUaClient released = client;
    client = null;
    subscription = null;
    if (released != null) {
      // the session may be gone with the server; disconnecting still frees the client's resources
      released
          .disconnectAsync()
          .whenComplete(
              (c, error) -> {
                if (error != null) {
                  LOG.debug(
                      "opcua disconnect incomplete device={} error={}",
                      device.id(),
                      error.toString());
                }
              });
    }
  }

  private void emitBad(List<OpcUaTag> which) {
    Instant now = clock.instant();
    emit(which.stream().map(tag -> Sample.bad(tag.name(), now, tag.unit())).toList());
  }

  private void emit(List<Sample> samples) {
    if (samples.isEmpty()) {
      return;
    }
    SampleBatch batch = new SampleBatch(device.id(), samples);
    for (Consumer<SampleBatch> listener : listeners) {
      try {
        listener.accept(batch);
      } catch (RuntimeException e) {
        LOG.error("opcua sample listener failed device={}", device.id(), e);
      }
    }
  }

  private void submit(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // closed: late callbacks of the last client have nothing left to update
    }
  }

  static String statusName(StatusCode status) {
    return StatusCodes.lookup(status.value()).map(names -> names[0]).orElse(status.toString());
  }

  private static String reason(Throwable error) {
    StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
    Throwable cause = error.getCause();
    while (cause != null && cause != cause.getCause()) {
      if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
        text.append(": ").append(cause.getMessage());
      }
      cause = cause.getCause();
    }
    return text.toString();
  }

  /** Disconnects and stops the device's thread; waits for at most the device timeout. */
  @Override
  public void close() {
    long timeout = device.timeout().toMillis();
    OpcUaClient released = null;
    try {
      released =
          executor
              .submit(
                  () -> {
                    state = State.CLOSED;
                    OpcUaClient last = client;
                    client = null;
                    subscription = null;
                    return last;
                  })
              .get(timeout, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      LOG.debug("opcua close incomplete device={} error={}", device.id(), e.toString());
    }
    for (Runnable never : executor.shutdownNow()) {
      // a notification waits until its batch is emitted; it must not wait for a closed device
      if (never instanceof Future<?> future) {
        future.cancel(false);
      }
    }
    if (released != null) {
      try {
        released.disconnectAsync().get(timeout, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.debug("opcua disconnect incomplete device={} error={}", device.id(), e.toString());
      }
    }
  }
}
