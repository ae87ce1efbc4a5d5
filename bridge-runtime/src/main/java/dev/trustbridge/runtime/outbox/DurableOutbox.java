package dev.trustbridge.runtime.outbox;

import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.mqtt.Outbox;
import dev.trustbridge.adapters.mqtt.UplinkPublisher;
import dev.trustbridge.policy.signing.SigningEncoder;
import dev.trustbridge.runtime.config.OutboxSettings;
import dev.trustbridge.runtime.config.OutboxSettings.WhenFull;
import dev.trustbridge.trust.envelope.DroppedEnvelopes;
import dev.trustbridge.trust.envelope.Envelope;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox of one uplink. {@link #accept} signs a batch into the next envelope of its device and
 * appends it to the store under the device's lock, so that a device's envelopes are stored in the
 * order of their sequence numbers; it completes once the envelope is committed. A drainer thread
 * publishes stored envelopes oldest first, up to {@code inFlight} awaiting their PUBACK at once,
 * and deletes each one on its PUBACK. When a publish fails, the drainer lets the others settle and
 * resumes from the first that failed, so the broker sees every envelope in order; some may arrive
 * twice, as exact redeliveries.
 */
public final class DurableOutbox implements Outbox {

  private static final Logger LOG = LoggerFactory.getLogger(DurableOutbox.class);
  private static final long IDLE_WAIT_MS = 1_000;
  private static final long POLL_MS = 200;
  private static final long EXPIRY_CHECK_MS = 5_000;
  private static final long MAX_RETRY_DELAY_MS = 5_000;
  private static final long STOP_WAIT_MS = 5_000;

  private final OutboxStore store;
  private final String uplink;
  private final OutboxSettings settings;
  private final SigningEncoder encoder;
  private final Clock clock;
  private final OutboxStore.Account account;
  private final Semaphore window;
  // the newest record handed to the broker; older ones are not dropped
  private final AtomicLong lastSent = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong firstFailed = new AtomicLong(Long.MAX_VALUE);

  private volatile UplinkPublisher publisher;
  private volatile Thread drainer;
  private volatile boolean running;
  private volatile boolean refusing;
  private volatile boolean full;

  DurableOutbox(
      OutboxStore store,
      String uplink,
      OutboxSettings settings,
      SigningEncoder encoder,
      Clock clock) {
    this.store = store;
    this.uplink = uplink;
    this.settings = settings;
    this.encoder = encoder;
    this.clock = clock;
    this.account = store.account(uplink);
    this.window = new Semaphore(settings.inFlight());
  }

  @Override
  public CompletionStage<Void> accept(SampleBatch batch, String topic) {
    try {
      makeRoom();
    } catch (OutboxException e) {
      return CompletableFuture.failedFuture(e);
    }
    int reserved;
    try {
      reserved = store.reserve(batch.samples().size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(
          new OutboxException("interrupted before signing a batch of " + batch.deviceId()));
    }
    CompletableFuture<Void> appended;
    synchronized (store.deviceLock(batch.deviceId())) {
      try {
        appended = store.append(uplink, encoder.sign(batch), topic);
      } catch (RuntimeException e) {
        store.release(reserved);
        return CompletableFuture.failedFuture(e);
      }
    }
    appended.whenComplete((committed, failed) -> store.release(reserved));
    return appended;
  }

  /**
   * Applies the bound before a new envelope is signed: drops the oldest envelopes not yet handed to
   * the broker, or waits until deliveries make room.
   */
  private void makeRoom() throws OutboxException {
    if (account.bytes() < settings.maxBytes()) {
      if (full) {
        full = false;
        LOG.info("outbox has room again uplink={} bytes={}", uplink, account.bytes());
      }
      return;
    }
    if (settings.whenFull() == WhenFull.DROP_OLDEST) {
      // well below the bound, so that the drop notices fit and not every batch drops again
      long target = settings.maxBytes() - settings.maxBytes() / 4;
      drop(account.bytes() - target, Long.MIN_VALUE, "full");
      if (account.bytes() < settings.maxBytes()) {
        return;
      }
    }
    if (!full) {
      full = true;
      LOG.warn(
          "outbox full uplink={} bytes={} maxBytes={} whenFull={}: producers wait for deliveries",
          uplink,
          account.bytes(),
          settings.maxBytes(),
          settings.whenFull().configName());
    }
    try {
      while (!account.awaitBelow(settings.maxBytes(), POLL_MS)) {
        if (refusing) {
          throw new OutboxException(
              "outbox of uplink '"
                  + uplink
                  + "' is full and the gateway is stopping: not accepted");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutboxException(
          "interrupted while waiting for room in the outbox of uplink '" + uplink + "'");
    }
  }

  private void drop(long bytes, long acceptedBefore, String reason) throws OutboxException {
    List<StoredRecord> dropped;
    try {
      dropped = store.drop(uplink, lastSent.get(), bytes, acceptedBefore, reason).join();
    } catch (RuntimeException e) {
      throw new OutboxException(
          "cannot drop from the outbox of uplink '" + uplink + "': " + e.getMessage(), e);
    }
    if (dropped.isEmpty()) {
      return;
    }
    Map<String, DroppedEnvelopes> notices = notices(dropped, reason);
    LOG.warn(
        "outbox dropped envelopes uplink={} reason={} count={} streams={}",
        uplink,
        reason,
        dropped.size(),
        notices.entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue().fromSeq() + ".." + e.getValue().toSeq())
            .collect(Collectors.joining(",")));
    notices.forEach(
        (device, notice) ->
            store.audit(
                "outbox-drop",
                Map.of(
                    "uplink",
                    uplink,
                    "device",
                    device,
                    "reason",
                    reason,
                    "from",
                    Long.toString(notice.fromSeq()),
                    "to",
                    Long.toString(notice.toSeq()),
                    "count",
                    Long.toString(notice.count()))));
    Map<String, String> topics = new TreeMap<>();
    dropped.forEach(record -> topics.put(record.device(), record.topic()));
    // verifiers learn from a signed notice in the stream which numbers the gateway dropped, and why
    for (Map.Entry<String, DroppedEnvelopes> notice : notices.entrySet()) {
      synchronized (store.deviceLock(notice.getKey())) {
        Envelope envelope = encoder.signDropNotice(notice.getKey(), notice.getValue());
        store.append(uplink, envelope, topics.get(notice.getKey()), Optional.of(notice.getValue()));
      }
    }
  }

  /**
   * One notice per device: the range of its dropped sequence numbers and their count. A dropped
   * notice is folded into the new one, its own number included, so that what it said survives.
   */
  private static Map<String, DroppedEnvelopes> notices(List<StoredRecord> dropped, String reason) {
    Map<String, long[]> byDevice = new TreeMap<>();
    for (StoredRecord record : dropped) {
      long[] range =
          record
              .notice()
              .map(
                  n ->
                      new long[] {
                        Math.min(n.fromSeq(), record.seq()),
                        Math.max(n.toSeq(), record.seq()),
                        n.count() + 1
                      })
              .orElse(new long[] {record.seq(), record.seq(), 1});
      byDevice.merge(
          record.device(),
          range,
          (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]), a[2] + b[2]});
    }
    Map<String, DroppedEnvelopes> notices = new TreeMap<>();
    byDevice.forEach(
        (device, range) ->
            notices.put(device, new DroppedEnvelopes(range[0], range[1], range[2], reason)));
    return notices;
  }

  @Override
  public synchronized void start(UplinkPublisher publisher) {
    this.publisher = publisher;
    running = true;
    Thread thread = new Thread(this::drainLoop, "trustbridge-outbox-" + uplink);
    thread.setDaemon(true);
    drainer = thread;
    thread.start();
    LOG.info(
        "outbox forwarding uplink={} waiting={} bytes={} maxBytes={} whenFull={} inFlight={}",
        uplink,
        account.depth(),
        account.bytes(),
        settings.maxBytes(),
        settings.whenFull().configName(),
        settings.inFlight());
  }

  /** Wakes producers that wait for room and refuses their batches: the gateway is stopping. */
  public void refuseWaiting() {
    refusing = true;
  }

  @Override
  public synchronized void stop() {
    running = false;
    Thread thread = drainer;
    if (thread == null) {
      return;
    }
    try {
      thread.join(STOP_WAIT_MS);
      // publishes still in flight may be acknowledged; what is not stays stored
      if (window.tryAcquire(settings.inFlight(), STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
        window.release(settings.inFlight());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drainer = null;
    LOG.info("outbox forwarding stopped uplink={} waiting={}", uplink, account.depth());
  }

  private void drainLoop() {
    long delay = 100;
    while (running) {
      try (Connection reader = store.openReader()) {
        drain(reader);
        return;
      } catch (SQLException e) {
        LOG.error(
            "outbox cannot read its store uplink={} file={} error=\"{}\"; retrying",
            uplink,
            store.file(),
            e.getMessage());
        sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
      }
    }
  }

  private void drain(Connection reader) throws SQLException {
    // a forwarder started again reads what an earlier one sent without its PUBACK from the store
    account.uncover(lastSent.get());
    long cursor = 0;
    long nextExpiryCheck = 0;
    int failures = 0;
    while (running) {
      if (failure.get() != null) {
        cursor = resume(failures++);
        continue;
      }
      if (!publisher.isConnected()) {
        sleep(POLL_MS);
        continue;
      }
      if (settings.maxAge().isPresent() && clock.millis() >= nextExpiryCheck) {
        nextExpiryCheck = clock.millis() + EXPIRY_CHECK_MS;
        expire();
      }
      // no more than the window has room for: envelopes of thousands of samples are 100 KB and
      // more, and what is read waits in memory until it is published
      int room = Math.max(1, window.availablePermits());
      List<StoredRecord.Fresh> fresh = account.takeFresh(cursor, room);
      if (fresh != null) {
        if (fresh.isEmpty()) {
          failures = 0;
          awaitAppended();
        } else {
          cursor = sendFresh(fresh, cursor);
        }
        continue;
      }
      List<StoredRecord> records = store.read(reader, uplink, cursor, room);
      if (records.isEmpty()) {
        failures = 0;
        awaitAppended();
        continue;
      }
      for (StoredRecord record : records) {
        if (!running || failure.get() != null || !acquireWindow()) {
          break;
        }
        cursor = record.id();
        lastSent.set(cursor);
        publish(record);
      }
    }
  }

  /**
   * Publishes records taken from memory, as far as the window and the uplink let it; returns the
   * cursor after the last one published.
   */
  private long sendFresh(List<StoredRecord.Fresh> fresh, long cursor) {
    for (StoredRecord.Fresh record : fresh) {
      if (!running || failure.get() != null || !acquireWindow()) {
        // the rest were taken from memory and not published: read them from the store
        account.uncover(fresh.get(fresh.size() - 1).sent().id());
        break;
      }
      cursor = record.sent().id();
      lastSent.set(cursor);
      send(record.sent(), record.topic(), record.envelope());
    }
    return cursor;
  }

  private void publish(StoredRecord record) {
    Optional<byte[]> envelope = store.open(record);
    if (envelope.isEmpty()) {
      window.release();
      store.quarantine(record);
      return;
    }
    // what waits for the PUBACK keeps the record without its ciphertext
    send(record.sent(), record.topic(), envelope.get());
  }

  private void send(StoredRecord.Sent inFlight, String topic, byte[] envelope) {
    CompletableFuture<Void> sent;
    try {
      sent = publisher.publish(topic, envelope, SigningEncoder.CONTENT_TYPE);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (ignored, error) -> {
          if (error == null) {
            store.delivered(inFlight);
          } else {
            firstFailed.accumulateAndGet(inFlight.id(), Math::min);
            failure.compareAndSet(null, error);
          }
          window.release();
        });
  }

  /**
   * After a failed publish: waits until every publish in flight has settled and the deletions of
   * the acknowledged ones are committed, then returns the cursor before the first failed record.
   */
  private long resume(int failures) {
    window.acquireUninterruptibly(settings.inFlight());
    window.release(settings.inFlight());
    store.flush().join();
    Throwable error = failure.get();
    long from = firstFailed.getAndSet(Long.MAX_VALUE);
    // what was taken from memory and sent is read from the store again from the first failure on
    account.uncover(lastSent.get());
    failure.set(null);
    long delay = Math.min(MAX_RETRY_DELAY_MS, 100L << Math.min(failures, 10));
    LOG.warn(
        "outbox forwarding interrupted uplink={} resumeFromRecord={} retryInMs={} error=\"{}\"",
        uplink,
        from,
        delay,
        error);
    sleep(delay);
    return from - 1;
  }

  private void expire() {
    long before = clock.millis() - settings.maxAge().orElseThrow().toMillis();
    try {
      drop(0, before, "expired");
    } catch (OutboxException e) {
      LOG.warn("outbox expiry failed uplink={} error=\"{}\"", uplink, e.getMessage());
    }
  }

  private boolean acquireWindow() {
    try {
      while (running) {
        if (window.tryAcquire(POLL_MS, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private void awaitAppended() {
    try {
      account.awaitAppended(IDLE_WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
