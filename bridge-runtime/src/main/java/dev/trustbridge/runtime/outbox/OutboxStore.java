package dev.trustbridge.runtime.outbox;

import dev.trustbridge.policy.signing.SigningEncoder;
import dev.trustbridge.runtime.config.OutboxSettings;
import dev.trustbridge.trust.atrest.DataKey;
import dev.trustbridge.trust.envelope.DroppedEnvelopes;
import dev.trustbridge.trust.envelope.Envelope;
import dev.trustbridge.trust.envelope.StreamStateStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import javax.crypto.AEADBadTagException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The gateway's durable, encrypted store of envelopes on their way to the brokers: one SQLite
 * database in WAL mode with {@code synchronous=FULL}, holding one outbox per uplink and the
 * position of every device stream. One writer thread commits everything in groups, so that many
 * envelopes share one disk sync; an envelope and the stream position it advanced are committed in
 * the same transaction, so a crash loses either both or neither and sequence numbers stay gapless.
 *
 * <p>Each envelope is stored encrypted with AES-256-GCM under the store's {@link DataKey}; the
 * associated data binds it to its uplink, device, sequence number and topic, so that records cannot
 * be swapped or redirected. A record that fails authentication is quarantined, never sent.
 */
public final class OutboxStore implements AutoCloseable {

  /** The name of the database file in the state directory. */
  public static final String FILE_NAME = "outbox.db";

  private static final Logger LOG = LoggerFactory.getLogger(OutboxStore.class);
  private static final int SCHEMA_VERSION = 1;
  private static final int MAX_GROUP = 2048;
  // signed and not yet committed: 16 envelopes of 1,000 samples, 4 MB with their ciphertexts
  static final int MAX_PENDING_SAMPLES = 16_384;
  private static final long MAX_RETRY_DELAY_MS = 5_000;
  // how long operations wait for company before their commit; see gather
  private static final long DELIVERIES_WAIT_MS = 100;
  private static final long APPENDS_GAP_MS = 2;
  private static final long APPENDS_WAIT_MS = 10;
  // envelopes committed and kept in the clear for the forwarder, per uplink
  static final long FRESH_MAX_BYTES = 4L << 20;

  /** What a record costs besides its ciphertext and topic: ids, numbers, nonce, index entry. */
  static final int ROW_OVERHEAD = 64;

  private static final String INSERT_RECORD =
      "INSERT INTO records (uplink, device, seq, topic, accepted_ms, nonce, ciphertext,"
          + " dropped_from, dropped_to, dropped_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String ADVANCE_STREAM =
      "INSERT INTO streams (device, seq, hash) VALUES (?, ?, ?)"
          + " ON CONFLICT (device) DO UPDATE SET seq = excluded.seq,"
          + " hash = excluded.hash WHERE excluded.seq > streams.seq";
  private static final String LAST_ID = "SELECT last_insert_rowid()";
  private static final String DELETE_RECORD = "DELETE FROM records WHERE id = ?";
  private static final String ADD_TO_COUNTER =
      "INSERT INTO counters (uplink, name, value) VALUES (?, ?, ?)"
          + " ON CONFLICT (uplink, name) DO UPDATE SET value = value + excluded.value";

  private static final String SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS streams (
        device TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS records (
        id INTEGER PRIMARY KEY AUTOINCREMENT, uplink TEXT NOT NULL, device TEXT NOT NULL,
        seq INTEGER NOT NULL, topic TEXT NOT NULL, accepted_ms INTEGER NOT NULL,
        nonce BLOB NOT NULL, ciphertext BLOB NOT NULL,
        dropped_from INTEGER, dropped_to INTEGER, dropped_count INTEGER);
      CREATE INDEX IF NOT EXISTS records_by_uplink ON records (uplink, id);
      CREATE TABLE IF NOT EXISTS quarantine (
        id INTEGER PRIMARY KEY, uplink TEXT NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL,
        topic TEXT NOT NULL, accepted_ms INTEGER NOT NULL, nonce BLOB NOT NULL,
        ciphertext BLOB NOT NULL, quarantined_ms INTEGER NOT NULL, reason TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS counters (
        uplink TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,
        PRIMARY KEY (uplink, name));
      """;

  private final Path file;
  private final DataKey dataKey;
  private final Clock clock;
  private final FileChannel lockChannel;
  private final FileLock lock;
  // the writer's; replaced after a failed write, whose transaction SQLite may have ended itself
  private Connection connection;
  // the writer's statements on that connection, prepared once each
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final byte[] noncePrefix;
  private final AtomicLong nonceCounter = new AtomicLong();
  private final BlockingQueue<Operation> queue = new LinkedBlockingQueue<>();
  private final Semaphore pendingSamples = new Semaphore(MAX_PENDING_SAMPLES, true);
  private final Map<String, Object> deviceLocks = new ConcurrentHashMap<>();
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  // records up to this id were stored before this open; later ones are new to every forwarder
  private long lastIdAtOpen;
  private final Thread writer;
  private volatile boolean closing;
  private volatile boolean writeFailing;
  private volatile BiConsumer<String, Map<String, String>> auditor = (type, fields) -> {};
  // the writer's last failure, so that retries log only what changes
  private String lastFailure;

  private OutboxStore(
      Path file,
      DataKey dataKey,
      Clock clock,
      FileChannel lockChannel,
      FileLock lock,
      Connection connection,
      byte[] noncePrefix) {
    this.file = file;
    this.dataKey = dataKey;
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.connection = connection;
    this.noncePrefix = noncePrefix;
    this.writer = new Thread(this::writeLoop, "trustbridge-outbox-writer");
    writer.setDaemon(true);
  }

  /**
   * Opens (or creates) the store in {@code directory} and starts its writer. Only one process may
   * have it open: a lock file next to it is held until {@link #close()}.
   *
   * @throws OutboxException if the store is in use, unreadable or of another schema version
   */
  public static OutboxStore open(Path directory, DataKey dataKey, Clock clock)
      throws OutboxException {
    Path file = directory.toAbsolutePath().resolve(FILE_NAME);
    Path lockFile = file.resolveSibling(FILE_NAME + ".lock");
    FileChannel channel = null;
    Connection connection = null;
    try {
      Files.createDirectories(directory);
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new OverlappingFileLockException();
      }
      connection = connect(file, false);
      byte[] noncePrefix = prepare(connection, file);
      OutboxStore store =
          new OutboxStore(file, dataKey, clock, channel, lock, connection, noncePrefix);
      store.loadAccounts();
      store.writer.start();
      LOG.info(
          "outbox store opened file={} dataKey=\"{}\" uplinks={}",
          file,
          dataKey.protection(),
          store.accounts.keySet());
      return store;
    } catch (OverlappingFileLockException e) {
      closeQuietly(connection, channel);
      throw new OutboxException(
          "outbox store " + file + " is in use by another gateway process (lock " + lockFile + ")");
    } catch (IOException | SQLException e) {
      closeQuietly(connection, channel);
      throw new OutboxException("cannot open outbox store " + file + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect(Path file, boolean readOnly) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("open_mode", readOnly ? "1" : "6");
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, properties);
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = 10000");
      if (!readOnly) {
        statement.execute("PRAGMA journal_mode = WAL");
        statement.execute("PRAGMA synchronous = FULL");
        // a log of at most about 1 MiB between checkpoints keeps the store small on edge disks
        statement.execute("PRAGMA wal_autocheckpoint = 256");
      }
    }
    return connection;
  }

  /** Creates the schema, checks its version and takes a fresh nonce prefix, durably. */
  private static byte[] prepare(Connection connection, Path file) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      for (String sql : SCHEMA.split(";")) {
        if (!sql.isBlank()) {
          statement.execute(sql);
        }
      }
    }
    Optional<String> version = meta(connection, "schema");
    if (version.isPresent() && !version.get().equals(Integer.toString(SCHEMA_VERSION))) {
      connection.rollback();
      throw new SQLException(
          "schema version " + version.get() + " is not " + SCHEMA_VERSION + " in " + file);
    }
    setMeta(connection, "schema", Integer.toString(SCHEMA_VERSION));
    // a nonce is this prefix and a counter; a new prefix per open never repeats a nonce
    long prefix = meta(connection, "noncePrefix").map(Long::parseLong).orElse(0L) + 1;
    if (prefix > 0xFFFF_FFFFL) {
      throw new SQLException("the nonce prefixes of " + file + " are used up: start a new store");
    }
    setMeta(connection, "noncePrefix", Long.toString(prefix));
    connection.commit();
    return ByteBuffer.allocate(4).putInt((int) prefix).array();
  }

  private void loadAccounts() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(id), 0) FROM records")) {
      rows.next();
      lastIdAtOpen = rows.getLong(1);
    }
    try (PreparedStatement statement =
            connection.prepareStatement(
                "SELECT uplink, COUNT(*), SUM(length(ciphertext) + length(topic)) FROM records"
                    + " GROUP BY uplink");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        Account account = account(rows.getString(1));
        account.added(rows.getLong(3) + rows.getLong(2) * ROW_OVERHEAD, rows.getLong(2));
      }
    }
    connection.commit();
  }

  /**
   * The stream positions of the signer, kept in this store so that they become durable together
   * with the envelopes. On the first open, the positions of an earlier file-based state (the
   * gateway's {@code streams.json}) are taken over, so that sequence numbers continue.
   */
  public StreamStateStore streamState(Path earlierStateFile) {
    return new OutboxStreamState(this, earlierStateFile);
  }

  /** The outbox of one uplink, signing with {@code encoder}. */
  public DurableOutbox outbox(String uplink, OutboxSettings settings, SigningEncoder encoder) {
    return new DurableOutbox(this, uplink, settings, encoder, clock);
  }

  /**
   * Sets who is told security events of the store: {@code outbox-tamper} for a quarantined record
   * and {@code outbox-drop} for dropped envelopes.
   */
  public void setAuditor(BiConsumer<String, Map<String, String>> auditor) {
    this.auditor = Objects.requireNonNull(auditor, "auditor");
  }

  void audit(String type, Map<String, String> fields) {
    try {
      auditor.accept(type, fields);
    } catch (RuntimeException e) {
      LOG.error("outbox event not audited type={} error=\"{}\"", type, e.getMessage());
    }
  }

  /** The file of this store. */
  public Path file() {
    return file;
  }

  /** How the data key of this store is protected. */
  public String keyProtection() {
    return dataKey.protection();
  }

  /** What each uplink's outbox holds and has done, read from the store. */
  public List<OutboxStatus> status() throws OutboxException {
    try (Connection reader = connect(file, true)) {
      return readStatus(reader, clock.instant());
    } catch (SQLException e) {
      throw new OutboxException("cannot read outbox store " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * What each uplink's outbox in {@code directory} holds and has done, read without opening the
   * store for writing (a running gateway may have it open).
   *
   * @throws OutboxException if there is no store or it cannot be read
   */
  public static List<OutboxStatus> readStatus(Path directory, Clock clock) throws OutboxException {
    Path file = directory.toAbsolutePath().resolve(FILE_NAME);
    if (!Files.exists(file)) {
      throw new OutboxException("no outbox store at " + file);
    }
    try (Connection reader = connect(file, true)) {
      return readStatus(reader, clock.instant());
    } catch (SQLException e) {
      throw new OutboxException("cannot read outbox store " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<OutboxStatus> readStatus(Connection reader, Instant now) throws SQLException {
    Map<String, long[]> held = new TreeMap<>();
    try (PreparedStatement statement =
            reader.prepareStatement(
                "SELECT uplink, COUNT(*), SUM(length(ciphertext) + length(topic)),"
                    + " MIN(accepted_ms) FROM records GROUP BY uplink");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        held.put(
            rows.getString(1),
            new long[] {
              rows.getLong(2), rows.getLong(3) + rows.getLong(2) * ROW_OVERHEAD, rows.getLong(4)
            });
      }
    }
    Map<String, Map<String, Long>> counters = new TreeMap<>();
    try (PreparedStatement statement =
            reader.prepareStatement("SELECT uplink, name, value FROM counters");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        counters
            .computeIfAbsent(rows.getString(1), ignored -> new TreeMap<>())
            .put(rows.getString(2), rows.getLong(3));
      }
    }
    List<OutboxStatus> status = new ArrayList<>();
    TreeMap<String, Boolean> uplinks = new TreeMap<>();
    held.keySet().forEach(uplink -> uplinks.put(uplink, true));
    counters.keySet().forEach(uplink -> uplinks.put(uplink, true));
    for (String uplink : uplinks.keySet()) {
      long[] h = held.getOrDefault(uplink, new long[] {0, 0, 0});
      Map<String, Long> c = counters.getOrDefault(uplink, Map.of());
      Map<String, Long> dropped = new TreeMap<>();
      c.forEach(
          (name, value) -> {
            if (name.startsWith(Counter.DROPPED_PREFIX)) {
              dropped.put(name.substring(Counter.DROPPED_PREFIX.length()), value);
            }
          });
      status.add(
          new OutboxStatus(
              uplink,
              h[0],
              h[1],
              h[0] == 0
                  ? Optional.empty()
                  : Optional.of(Duration.between(Instant.ofEpochMilli(h[2]), now)),
              c.getOrDefault(Counter.DELIVERED, 0L),
              dropped,
              c.getOrDefault(Counter.TAMPERED, 0L)));
    }
    return status;
  }

  // ---- used by DurableOutbox and OutboxStreamState ----

  Account account(String uplink) {
    return accounts.computeIfAbsent(uplink, ignored -> new Account(lastIdAtOpen));
  }

  /** The monitor that keeps signing and appending of one device in one order. */
  Object deviceLock(String device) {
    return deviceLocks.computeIfAbsent(device, ignored -> new Object());
  }

  /** Whether the last attempt to write failed (a full disk, an I/O error); writes are retried. */
  public boolean isWriteFailing() {
    return writeFailing;
  }

  /**
   * Waits until {@code samples} more samples may be signed for this store, so that the envelopes
   * waiting for their commit hold bounded memory however many devices poll at once: with one thread
   * per device, a thousand devices would otherwise each hold an envelope and its ciphertext.
   *
   * @return the permits to {@link #release} once the envelope is committed or refused
   */
  int reserve(int samples) throws InterruptedException {
    int permits = Math.max(1, Math.min(samples, MAX_PENDING_SAMPLES));
    pendingSamples.acquire(permits);
    return permits;
  }

  /** Gives back what {@link #reserve} took. */
  void release(int permits) {
    pendingSamples.release(permits);
  }

  /**
   * Encrypts the envelope and queues it; completes once it is committed. Appends queued in one
   * order are committed in that order.
   */
  CompletableFuture<Void> append(String uplink, Envelope envelope, String topic) {
    return append(uplink, envelope, topic, Optional.empty());
  }

  /**
   * As {@link #append(String, Envelope, String)} for a drop notice, whose range is kept beside it,
   * so that dropping the notice itself widens the next notice instead of losing what it said.
   */
  CompletableFuture<Void> append(
      String uplink, Envelope envelope, String topic, Optional<DroppedEnvelopes> notice) {
    if (closing) {
      return CompletableFuture.failedFuture(
          new OutboxException("outbox store " + file + " is closed"));
    }
    byte[] nonce =
        ByteBuffer.allocate(DataKey.NONCE_LENGTH)
            .put(noncePrefix)
            .putLong(nonceCounter.incrementAndGet())
            .array();
    String device = envelope.stream().device();
    byte[] plaintext = envelope.bytes();
    byte[] ciphertext =
        dataKey.encrypt(nonce, plaintext, associatedData(uplink, device, envelope.seq(), topic));
    Append append =
        new Append(
            uplink,
            device,
            envelope.seq(),
            envelope.hash(),
            topic,
            clock.millis(),
            nonce,
            ciphertext,
            plaintext,
            notice);
    queue.add(append);
    return append.done();
  }

  /** A read-only connection for one drainer. */
  Connection openReader() throws SQLException {
    return connect(file, true);
  }

  /** Up to {@code limit} records of the uplink after {@code afterId}, oldest first. */
  List<StoredRecord> read(Connection reader, String uplink, long afterId, int limit)
      throws SQLException {
    List<StoredRecord> records = new ArrayList<>(limit);
    try (PreparedStatement statement =
        reader.prepareStatement(
            "SELECT id, device, seq, topic, accepted_ms, nonce, ciphertext FROM records"
                + " WHERE uplink = ? AND id > ? ORDER BY id LIMIT ?")) {
      statement.setString(1, uplink);
      statement.setLong(2, afterId);
      statement.setInt(3, limit);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          records.add(
              new StoredRecord(
                  rows.getLong(1),
                  uplink,
                  rows.getString(2),
                  rows.getLong(3),
                  rows.getString(4),
                  rows.getLong(5),
                  rows.getBytes(6),
                  rows.getBytes(7),
                  Optional.empty()));
        }
      }
    }
    return records;
  }

  /**
   * The envelope of a record, if it authenticates: its bytes, nonce and binding to uplink, device,
   * sequence number and topic are as they were written.
   */
  Optional<byte[]> open(StoredRecord record) {
    try {
      return Optional.of(
          dataKey.decrypt(
              record.nonce(),
              record.ciphertext(),
              associatedData(record.uplink(), record.device(), record.seq(), record.topic())));
    } catch (AEADBadTagException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Forgets a record the broker acknowledged. */
  void delivered(StoredRecord.Sent record) {
    queue.add(new Delete(record));
  }

  /** Moves a record that failed authentication out of the outbox. */
  void quarantine(StoredRecord record) {
    queue.add(new Quarantine(record, clock.millis()));
  }

  /**
   * Drops the oldest records of the uplink after {@code afterId} until at least {@code bytes} are
   * freed, or those accepted before {@code acceptedBefore}.
   *
   * @return completes with what was dropped once it is committed
   */
  CompletableFuture<List<StoredRecord>> drop(
      String uplink, long afterId, long bytes, long acceptedBefore, String reason) {
    Drop drop = new Drop(uplink, afterId, bytes, acceptedBefore, reason);
    queue.add(drop);
    return drop.done;
  }

  /** Completes once everything queued before it is committed. */
  CompletableFuture<Void> flush() {
    Flush flush = new Flush(new CompletableFuture<>());
    queue.add(flush);
    return flush.done;
  }

  /** Replaces the stored stream state; returns once it is committed. */
  void saveState(StreamStateStore.State state) throws OutboxException {
    SaveState save = new SaveState(state, new CompletableFuture<>());
    queue.add(save);
    try {
      save.done.get(1, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new OutboxException(
          "cannot save the stream state in " + file + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new OutboxException("saving the stream state in " + file + " did not finish");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutboxException("interrupted while saving the stream state in " + file);
    }
  }

  /** The stored stream state, if any was saved. */
  Optional<StreamStateStore.State> loadState() throws OutboxException {
    try (Connection reader = connect(file, true)) {
      Optional<String> site = meta(reader, "site");
      if (site.isEmpty()) {
        return Optional.empty();
      }
      Map<String, StreamStateStore.Position> streams = new HashMap<>();
      try (PreparedStatement statement =
              reader.prepareStatement("SELECT device, seq, hash FROM streams");
          ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          streams.put(
              rows.getString(1), new StreamStateStore.Position(rows.getLong(2), rows.getString(3)));
        }
      }
      return Optional.of(
          new StreamStateStore.State(
              site.get(),
              meta(reader, "gateway").orElseThrow(),
              Long.parseLong(meta(reader, "epoch").orElseThrow()),
              streams));
    } catch (SQLException | RuntimeException e) {
      throw new OutboxException(
          "cannot read the stream state in " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] associatedData(String uplink, String device, long seq, String topic) {
    return String.join("\n", "tb-outbox-v1", uplink, device, Long.toString(seq), topic)
        .getBytes(StandardCharsets.UTF_8);
  }

  // ---- the writer ----

  private void writeLoop() {
    List<Operation> group = new ArrayList<>();
    while (true) {
      group.clear();
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        continue;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      gather(group);
      boolean stop = group.removeIf(operation -> operation instanceof Stop);
      if (!group.isEmpty()) {
        commit(group);
      }
      if (stop) {
        return;
      }
    }
  }

  /**
   * Lets a group gather company before its commit, so that one disk sync serves many operations.
   * Deletions of delivered records alone wait up to {@link #DELIVERIES_WAIT_MS}: a crash that loses
   * one only sends its record again. Appends wait while more keep coming, {@link #APPENDS_GAP_MS}
   * for the next and {@link #APPENDS_WAIT_MS} in all: the envelopes of one poll are signed one
   * after the other. Anything else is committed at once.
   */
  private void gather(List<Operation> group) {
    long started = System.nanoTime();
    int looked = 0;
    boolean appends = false;
    while (group.size() < MAX_GROUP) {
      for (; looked < group.size(); looked++) {
        Operation operation = group.get(looked);
        if (operation instanceof Append) {
          appends = true;
        } else if (!(operation instanceof Delete)) {
          return;
        }
      }
      long wait =
          appends
              ? Math.min(
                  TimeUnit.MILLISECONDS.toNanos(APPENDS_GAP_MS),
                  started + TimeUnit.MILLISECONDS.toNanos(APPENDS_WAIT_MS) - System.nanoTime())
              : started + TimeUnit.MILLISECONDS.toNanos(DELIVERIES_WAIT_MS) - System.nanoTime();
      Operation next;
      try {
        next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : null;
      } catch (InterruptedException e) {
        return;
      }
      if (next == null) {
        return;
      }
      group.add(next);
      queue.drainTo(group, MAX_GROUP - group.size());
    }
  }

  /**
   * Commits a group, retrying with backoff while the disk is full or writes fail, so that nothing
   * accepted is lost and producers wait meanwhile; gives up only when the store closes.
   */
  private void commit(List<Operation> group) {
    long delay = 100;
    while (true) {
      Map<String, Long> counters = new LinkedHashMap<>();
      try {
        for (Operation operation : group) {
          operation.apply(this, counters);
        }
        writeCounters(counters);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        // one line per kind of failure, not one per retry
        if (!writeFailing || !String.valueOf(e.getMessage()).equals(lastFailure)) {
          lastFailure = String.valueOf(e.getMessage());
          LOG.error(
              "outbox store write failed file={} diskFull={} waiting={} error=\"{}\"; retrying,"
                  + " producers wait",
              file,
              isDiskFull(e),
              group.size(),
              e.getMessage());
        }
        writeFailing = true;
        if (closing) {
          group.forEach(
              operation ->
                  operation.failed(
                      new OutboxException(
                          "outbox store " + file + " closed while a write failed", e)));
          return;
        }
        if (isDiskFull(e)) {
          checkpointQuietly();
        }
        sleepQuietly(delay);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
        continue;
      }
      if (writeFailing) {
        LOG.info("outbox store writable again file={}", file);
        writeFailing = false;
      }
      group.forEach(operation -> operation.committed(this));
      return;
    }
  }

  private void writeCounters(Map<String, Long> counters) throws SQLException {
    if (counters.isEmpty()) {
      return;
    }
    PreparedStatement statement = statement(ADD_TO_COUNTER);
    for (Map.Entry<String, Long> counter : counters.entrySet()) {
      int split = counter.getKey().indexOf('\n');
      statement.setString(1, counter.getKey().substring(0, split));
      statement.setString(2, counter.getKey().substring(split + 1));
      statement.setLong(3, counter.getValue());
      statement.addBatch();
    }
    statement.executeBatch();
  }

  private static boolean isDiskFull(Throwable e) {
    return e instanceof SQLiteException sqlite
        && (sqlite.getResultCode() == SQLiteErrorCode.SQLITE_FULL
            || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_IOERR_WRITE);
  }

  private void checkpointQuietly() {
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      LOG.debug("outbox checkpoint failed file={} error=\"{}\"", file, e.getMessage());
    }
  }

  /** Rolls back, and starts the next attempt on a fresh connection in a known state. */
  private void rollbackQuietly() {
    closeStatements();
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.debug("outbox rollback failed file={} error=\"{}\"", file, e.getMessage());
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("outbox connection close failed file={} error=\"{}\"", file, e.getMessage());
    }
    try {
      Connection fresh = connect(file, false);
      fresh.setAutoCommit(false);
      connection = fresh;
    } catch (SQLException e) {
      // the next attempt fails on the closed connection and comes back here
      LOG.debug("outbox reconnect failed file={} error=\"{}\"", file, e.getMessage());
    }
  }

  /** The writer's statement for {@code sql}, prepared on its connection the first time. */
  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  private void closeStatements() {
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException e) {
        LOG.debug("outbox statement close failed file={} error=\"{}\"", file, e.getMessage());
      }
    }
    statements.clear();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Optional<String> meta(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT value FROM meta WHERE name = ?")) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  private static void setMeta(Connection connection, String name, String value)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO meta (name, value) VALUES (?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
      statement.setString(1, name);
      statement.setString(2, value);
      statement.executeUpdate();
    }
  }

  /**
   * Commits what is queued, stops the writer, checkpoints the log into the database file and
   * releases the store. Appends after this fail.
   */
  @Override
  public void close() {
    closing = true;
    queue.add(new Stop());
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      LOG.warn("outbox writer did not stop within 30 s file={}", file);
      writer.interrupt();
    } else {
      checkpointQuietly();
      closeStatements();
    }
    closeQuietly(connection, lockChannel);
    LOG.info("outbox store closed file={}", file);
  }

  private static void closeQuietly(Connection connection, FileChannel channel) {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException e) {
      LOG.warn("outbox connection close failed error=\"{}\"", e.getMessage());
    }
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      LOG.warn("outbox lock release failed error=\"{}\"", e.getMessage());
    }
  }

  // ---- what the writer does ----

  /** Counter names, per uplink. */
  static final class Counter {
    static final String DELIVERED = "delivered";
    static final String TAMPERED = "tamperRejected";
    static final String DROPPED_PREFIX = "dropped.";

    private Counter() {}

    static void add(Map<String, Long> counters, String uplink, String name, long delta) {
      counters.merge(uplink + "\n" + name, delta, Long::sum);
    }
  }

  /** One unit of work of the writer, applied inside a group transaction. */
  private sealed interface Operation
      permits Append, Delete, Quarantine, Drop, Flush, SaveState, Stop {
    /** Writes inside the transaction; must not change anything outside it. */
    void apply(OutboxStore store, Map<String, Long> counters) throws SQLException;

    /** After the commit. */
    default void committed(OutboxStore store) {}

    /** The store closed before the operation could be committed. */
    default void failed(Exception error) {}
  }

  /** An envelope to store; once committed, it is handed to its uplink's forwarder. */
  private static final class Append implements Operation {
    private final String uplink;
    private final String device;
    private final long seq;
    private final String hash;
    private final String topic;
    private final long acceptedMs;
    private final byte[] nonce;
    private final byte[] ciphertext;
    private final byte[] envelope;
    private final Optional<DroppedEnvelopes> notice;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private long id;

    Append(
        String uplink,
        String device,
        long seq,
        String hash,
        String topic,
        long acceptedMs,
        byte[] nonce,
        byte[] ciphertext,
        byte[] envelope,
        Optional<DroppedEnvelopes> notice) {
      this.uplink = uplink;
      this.device = device;
      this.seq = seq;
      this.hash = hash;
      this.topic = topic;
      this.acceptedMs = acceptedMs;
      this.nonce = nonce;
      this.ciphertext = ciphertext;
      this.envelope = envelope;
      this.notice = notice;
    }

    CompletableFuture<Void> done() {
      return done;
    }

    @Override
    public void apply(OutboxStore store, Map<String, Long> counters) throws SQLException {
      PreparedStatement insert = store.statement(INSERT_RECORD);
      insert.setString(1, uplink);
      insert.setString(2, device);
      insert.setLong(3, seq);
      insert.setString(4, topic);
      insert.setLong(5, acceptedMs);
      insert.setBytes(6, nonce);
      insert.setBytes(7, ciphertext);
      if (notice.isPresent()) {
        insert.setLong(8, notice.get().fromSeq());
        insert.setLong(9, notice.get().toSeq());
        insert.setLong(10, notice.get().count());
      } else {
        insert.setNull(8, Types.INTEGER);
        insert.setNull(9, Types.INTEGER);
        insert.setNull(10, Types.INTEGER);
      }
      insert.executeUpdate();
      try (ResultSet rows = store.statement(LAST_ID).executeQuery()) {
        rows.next();
        id = rows.getLong(1);
      }
      PreparedStatement position = store.statement(ADVANCE_STREAM);
      position.setString(1, device);
      position.setLong(2, seq);
      position.setString(3, hash);
      position.executeUpdate();
    }

    @Override
    public void committed(OutboxStore store) {
      Account account = store.account(uplink);
      account.committed(
          new StoredRecord.Fresh(new StoredRecord.Sent(id, uplink, size()), topic, envelope));
      account.added(size(), 1);
      done.complete(null);
    }

    @Override
    public void failed(Exception error) {
      done.completeExceptionally(error);
    }

    long size() {
      return ciphertext.length + topic.length() + ROW_OVERHEAD;
    }
  }

  private record Delete(StoredRecord.Sent record) implements Operation {
    @Override
    public void apply(OutboxStore store, Map<String, Long> counters) throws SQLException {
      PreparedStatement delete = store.statement(DELETE_RECORD);
      delete.setLong(1, record.id());
      if (delete.executeUpdate() == 1) {
        Counter.add(counters, record.uplink(), Counter.DELIVERED, 1);
      }
    }

    @Override
    public void committed(OutboxStore store) {
      store.account(record.uplink()).removed(record.size(), 1);
    }
  }

  private record Quarantine(StoredRecord record, long quarantinedMs) implements Operation {
    @Override
    public void apply(OutboxStore store, Map<String, Long> counters) throws SQLException {
      try (PreparedStatement copy =
          store.connection.prepareStatement(
              "INSERT OR REPLACE INTO quarantine SELECT id, uplink, device, seq, topic,"
                  + " accepted_ms, nonce, ciphertext, ?, ? FROM records WHERE id = ?")) {
        copy.setLong(1, quarantinedMs);
        copy.setString(2, "authentication failed");
        copy.setLong(3, record.id());
        copy.executeUpdate();
      }
      PreparedStatement delete = store.statement(DELETE_RECORD);
      delete.setLong(1, record.id());
      if (delete.executeUpdate() == 1) {
        Counter.add(counters, record.uplink(), Counter.TAMPERED, 1);
      }
    }

    @Override
    public void committed(OutboxStore store) {
      store.account(record.uplink()).removed(record.size(), 1);
      store.audit(
          "outbox-tamper",
          Map.of(
              "uplink", record.uplink(),
              "device", record.device(),
              "seq", Long.toString(record.seq())));
      LOG.error(
          "outbox record failed authentication and is quarantined, not sent uplink={} device={}"
              + " seq={} id={} file={}",
          record.uplink(),
          record.device(),
          record.seq(),
          record.id(),
          store.file);
    }
  }

  private static final class Drop implements Operation {
    private final String uplink;
    private final long afterId;
    private final long bytes;
    private final long acceptedBefore;
    private final String reason;
    private final CompletableFuture<List<StoredRecord>> done = new CompletableFuture<>();
    private List<StoredRecord> dropped = List.of();

    Drop(String uplink, long afterId, long bytes, long acceptedBefore, String reason) {
      this.uplink = uplink;
      this.afterId = afterId;
      this.bytes = bytes;
      this.acceptedBefore = acceptedBefore;
      this.reason = reason;
    }

    @Override
    public void apply(OutboxStore store, Map<String, Long> counters) throws SQLException {
      List<StoredRecord> chosen = new ArrayList<>();
      long freed = 0;
      try (PreparedStatement select =
          store.connection.prepareStatement(
              "SELECT id, device, seq, topic, accepted_ms, length(ciphertext), dropped_from,"
                  + " dropped_to, dropped_count FROM records"
                  + " WHERE uplink = ? AND id > ? ORDER BY id LIMIT 512")) {
        long cursor = afterId;
        boolean more = true;
        while (more) {
          more = false;
          select.setString(1, uplink);
          select.setLong(2, cursor);
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              more = true;
              cursor = rows.getLong(1);
              long accepted = rows.getLong(5);
              if (freed >= bytes && accepted >= acceptedBefore) {
                more = false;
                break;
              }
              StoredRecord record =
                  new StoredRecord(
                      cursor,
                      uplink,
                      rows.getString(2),
                      rows.getLong(3),
                      rows.getString(4),
                      accepted,
                      new byte[0],
                      new byte[rows.getInt(6)],
                      rows.getObject(7) == null
                          ? Optional.empty()
                          : Optional.of(
                              new DroppedEnvelopes(
                                  rows.getLong(7), rows.getLong(8), rows.getLong(9), reason)));
              chosen.add(record);
              freed += record.size();
            }
          }
        }
      }
      PreparedStatement delete = store.statement(DELETE_RECORD);
      for (StoredRecord record : chosen) {
        delete.setLong(1, record.id());
        delete.addBatch();
      }
      delete.executeBatch();
      if (!chosen.isEmpty()) {
        Counter.add(counters, uplink, Counter.DROPPED_PREFIX + reason, chosen.size());
      }
      dropped = chosen;
    }

    @Override
    public void committed(OutboxStore store) {
      if (!dropped.isEmpty()) {
        Account account = store.account(uplink);
        account.forget(dropped);
        account.removed(dropped.stream().mapToLong(StoredRecord::size).sum(), dropped.size());
      }
      done.complete(dropped);
    }

    @Override
    public void failed(Exception error) {
      done.completeExceptionally(error);
    }
  }

  private record Flush(CompletableFuture<Void> done) implements Operation {
    @Override
    public void apply(OutboxStore store, Map<String, Long> counters) {}

    @Override
    public void committed(OutboxStore store) {
      done.complete(null);
    }

    @Override
    public void failed(Exception error) {
      done.completeExceptionally(error);
    }
  }

  private record SaveState(StreamStateStore.State state, CompletableFuture<Void> done)
      implements Operation {
    @Override
    public void apply(OutboxStore store, Map<String, Long> counters) throws SQLException {
      setMeta(store.connection, "site", state.site());
      setMeta(store.connection, "gateway", state.gateway());
      setMeta(store.connection, "epoch", Long.toString(state.epoch()));
      try (PreparedStatement position =
          store.connection.prepareStatement(
              "INSERT INTO streams (device, seq, hash) VALUES (?, ?, ?)"
                  + " ON CONFLICT (device) DO UPDATE SET seq = excluded.seq,"
                  + " hash = excluded.hash")) {
        for (Map.Entry<String, StreamStateStore.Position> stream : state.streams().entrySet()) {
          position.setString(1, stream.getKey());
          position.setLong(2, stream.getValue().seq());
          position.setString(3, stream.getValue().hash());
          position.addBatch();
        }
        position.executeBatch();
      }
    }

    @Override
    public void committed(OutboxStore store) {
      done.complete(null);
    }

    @Override
    public void failed(Exception error) {
      done.completeExceptionally(error);
    }
  }

  private record Stop() implements Operation {
    @Override
    public void apply(OutboxStore store, Map<String, Long> counters) {}
  }

  /**
   * An uplink's share of the store, kept in memory for the bounds, and the envelopes just
   * committed, kept in the clear for the uplink's forwarder so that it need not read back and
   * decrypt what it publishes right away. Those stay in the store until their PUBACK like any
   * other.
   */
  static final class Account {
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong depth = new AtomicLong();
    private final BlockingQueue<Boolean> appended = new LinkedBlockingQueue<>(1);
    private final ArrayDeque<StoredRecord.Fresh> fresh = new ArrayDeque<>();
    private long freshBytes;
    // every stored record after this id that the forwarder has not taken is in fresh
    private long coveredAfter;

    Account(long coveredAfter) {
      this.coveredAfter = coveredAfter;
    }

    long bytes() {
      return bytes.get();
    }

    long depth() {
      return depth.get();
    }

    void added(long size, long count) {
      bytes.addAndGet(size);
      depth.addAndGet(count);
      appended.offer(Boolean.TRUE);
    }

    synchronized void removed(long size, long count) {
      bytes.addAndGet(-size);
      depth.addAndGet(-count);
      notifyAll();
    }

    /** Waits until the account holds less than {@code limit} bytes or the time is up. */
    synchronized boolean awaitBelow(long limit, long millis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (bytes.get() >= limit) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        wait(left);
      }
      return true;
    }

    /** Waits until something was appended since the last call, or the time is up. */
    void awaitAppended(long millis) throws InterruptedException {
      appended.poll(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Keeps a record just committed for the forwarder; when the forwarder is so far behind that
     * they would exceed {@link #FRESH_MAX_BYTES}, it reads them from the store instead.
     */
    synchronized void committed(StoredRecord.Fresh record) {
      if (freshBytes + record.envelope().length > FRESH_MAX_BYTES) {
        fresh.clear();
        freshBytes = 0;
        coveredAfter = record.sent().id();
        return;
      }
      fresh.add(record);
      freshBytes += record.envelope().length;
    }

    /**
     * Up to {@code limit} records committed after {@code cursor}, taken from memory; {@code null}
     * when some of them are only in the store, which the forwarder then reads.
     */
    synchronized List<StoredRecord.Fresh> takeFresh(long cursor, int limit) {
      if (cursor < coveredAfter) {
        return null;
      }
      List<StoredRecord.Fresh> taken = new ArrayList<>(Math.min(limit, fresh.size()));
      while (!fresh.isEmpty() && taken.size() < limit) {
        StoredRecord.Fresh record = fresh.poll();
        freshBytes -= record.envelope().length;
        if (record.sent().id() > cursor) {
          taken.add(record);
        }
      }
      return taken;
    }

    /**
     * The records up to {@code id} are to be read from the store again: the forwarder took some of
     * them and did not get them acknowledged.
     */
    synchronized void uncover(long id) {
      coveredAfter = Math.max(coveredAfter, id);
    }

    /** Dropped records are not sent. */
    synchronized void forget(List<StoredRecord> dropped) {
      Set<Long> ids = new HashSet<>();
      dropped.forEach(record -> ids.add(record.id()));
      fresh.removeIf(
          record -> {
            boolean gone = ids.contains(record.sent().id());
            if (gone) {
              freshBytes -= record.envelope().length;
            }
            return gone;
          });
    }
  }
}
