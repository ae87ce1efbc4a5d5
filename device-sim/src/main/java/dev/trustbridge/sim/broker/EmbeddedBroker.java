package dev.trustbridge.sim.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import dev.trustbridge.sim.pki.DevelopmentPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process HiveMQ CE MQTT 5 broker on 127.0.0.1 for demos and tests: a TLS listener (TLS 1.3
 * and 1.2) that requires a client certificate issued by the {@link DevelopmentPki}'s CA, and
 * optionally a plaintext TCP listener. It can be stopped and started again on the same ports, to
 * simulate outages. Starting takes a few seconds.
 *
 * <p>The broker writes its {@code config.xml} and data into a work directory. The keystore password
 * is not written there: the configuration refers to a JVM system property that holds the password
 * only while the broker starts.
 */
public final class EmbeddedBroker implements AutoCloseable {

  /** The only address the broker binds. */
  public static final String HOST = "127.0.0.1";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final int PROBE_TIMEOUT_MILLIS = 2_000;
  private static final String CONFIG_FOLDER = "conf";
  private static final String DATA_FOLDER = "data";
  private static final String EXTENSIONS_FOLDER = "extensions";

  private final DevelopmentPki pki;
  private final Path workDirectory;
  private final boolean ownsWorkDirectory;
  private final int tlsPort;
  private final int plainPort;
  private final long maxQueuedMessages;
  private final String passwordProperty =
      "trustbridge.sim.broker." + UUID.randomUUID() + ".keystore-password";
  // HiveMQ CE cannot start an instance a second time (its metrics are registered twice), so every
  // start builds a new instance on the same folders; null while stopped
  private EmbeddedHiveMQ hivemq;
  private boolean closed;

  private EmbeddedBroker(Builder builder) throws IOException {
    this.pki = builder.pki;
    this.ownsWorkDirectory = builder.workDirectory == null;
    this.workDirectory =
        ownsWorkDirectory
            ? Files.createTempDirectory("trustbridge-broker")
            : Files.createDirectories(builder.workDirectory);
    this.tlsPort = builder.tlsPort == 0 ? freePort() : builder.tlsPort;
    this.plainPort =
        !builder.plainListener ? -1 : builder.plainPort == 0 ? freePort() : builder.plainPort;
    this.maxQueuedMessages = builder.maxQueuedMessages;
    Files.createDirectories(workDirectory.resolve(CONFIG_FOLDER));
    Files.createDirectories(workDirectory.resolve(DATA_FOLDER));
    Files.createDirectories(workDirectory.resolve(EXTENSIONS_FOLDER));
    Files.writeString(
        workDirectory.resolve(CONFIG_FOLDER).resolve("config.xml"),
        configXml(),
        StandardCharsets.UTF_8);
  }

  /** Starts building a broker whose TLS listener uses the broker certificate of {@code pki}. */
  public static Builder builder(DevelopmentPki pki) {
    return new Builder(pki);
  }

  /**
   * Starts the broker and waits until its listeners accept connections; does nothing if it runs.
   *
   * @throws IllegalStateException if the broker was closed, or does not start within 60 s
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("embedded broker in " + workDirectory + " was closed");
    }
    if (hivemq != null) {
      return;
    }
    long begin = System.nanoTime();
    hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(workDirectory.resolve(CONFIG_FOLDER))
            .withDataFolder(workDirectory.resolve(DATA_FOLDER))
            .withExtensionsFolder(workDirectory.resolve(EXTENSIONS_FOLDER))
            .withoutLoggingBootstrap()
            .build();
    // HiveMQ resolves ${...} in config.xml from system properties while it reads its config
    char[] password = pki.password();
    System.setProperty(passwordProperty, new String(password));
    Arrays.fill(password, '\0');
    try {
      hivemq.start().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      shutDown();
      throw new IllegalStateException(
          "embedded broker did not start, work directory " + workDirectory, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutDown();
      throw new IllegalStateException("interrupted while starting the embedded broker", e);
    } finally {
      System.clearProperty(passwordProperty);
    }
    probe("TLS", tlsPort);
    if (plainPort > 0) {
      probe("plain TCP", plainPort);
    }
    log.info(
        "embedded broker started tls={} plain={} dir={} millis={}",
        tlsServerUri(),
        plainPort > 0 ? plainServerUri() : "off",
        workDirectory,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
  }

  /**
   * Stops the broker, dropping every client connection; {@link #start()} brings it back on the same
   * ports with its persisted sessions and retained messages. Does nothing if it is stopped. Takes
   * about 4 s, most of it HiveMQ's fixed grace periods.
   */
  public synchronized void stop() {
    if (hivemq == null) {
      return;
    }
    shutDown();
    log.info("embedded broker stopped tls={}", tlsServerUri());
  }

  /** Stops the broker for good and deletes its work directory if the broker created it. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    stop();
    closed = true;
    if (ownsWorkDirectory) {
      deleteRecursively(workDirectory);
    }
  }

  /** Whether the broker has been started and not stopped since. */
  public synchronized boolean isRunning() {
    return hivemq != null;
  }

  /** The port of the TLS listener. */
  public int tlsPort() {
    return tlsPort;
  }

  /** The TLS listener as {@code ssl://127.0.0.1:<port>}. */
  public String tlsServerUri() {
    return "ssl://" + HOST + ":" + tlsPort;
  }

  /**
   * The port of the plaintext TCP listener.
   *
   * @throws IllegalStateException if the broker was built without one
   */
  public int plainPort() {
    if (plainPort < 0) {
      throw new IllegalStateException("embedded broker was built without a plain TCP listener");
    }
    return plainPort;
  }

  /**
   * The plaintext TCP listener as {@code tcp://127.0.0.1:<port>}.
   *
   * @throws IllegalStateException if the broker was built without one
   */
  public String plainServerUri() {
    return "tcp://" + HOST + ":" + plainPort();
  }

  /** The PKI whose CA clients must chain to and whose broker certificate the broker presents. */
  public DevelopmentPki pki() {
    return pki;
  }

  /** The directory with the broker's {@code conf/config.xml} and {@code data/}. */
  public Path workDirectory() {
    return workDirectory;
  }

  private void shutDown() {
    EmbeddedHiveMQ instance = hivemq;
    hivemq = null;
    try {
      instance.close();
    } catch (ExecutionException e) {
      throw new IllegalStateException("embedded broker did not stop cleanly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the embedded broker", e);
    }
  }

  private String configXml() {
    String password = "${" + passwordProperty + "}";
    StringBuilder xml = new StringBuilder();
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hivemq>\n  <listeners>\n");
    xml.append("    <tls-tcp-listener>\n")
        .append("      <port>")
        .append(tlsPort)
        .append("</port>\n      <bind-address>" + HOST + "</bind-address>\n")
        .append("      <name>trustbridge-tls</name>\n      <tls>\n        <keystore>\n")
        .append("          <path>")
        .append(escape(pki.broker().keyStoreFile().toString()))
        .append("</path>\n          <password>")
        .append(password)
        .append("</password>\n          <private-key-password>")
        .append(password)
        .append("</private-key-password>\n        </keystore>\n        <truststore>\n")
        .append("          <path>")
        .append(escape(pki.trustStoreFile().toString()))
        .append("</path>\n          <password>")
        .append(password)
        .append("</password>\n        </truststore>\n")
        .append("        <protocols>\n          <protocol>TLSv1.3</protocol>\n")
        .append("          <protocol>TLSv1.2</protocol>\n        </protocols>\n")
        .append("        <client-authentication-mode>REQUIRED</client-authentication-mode>\n")
        .append("      </tls>\n    </tls-tcp-listener>\n");
    if (plainPort > 0) {
      xml.append("    <tcp-listener>\n      <port>")
          .append(plainPort)
          .append("</port>\n      <bind-address>" + HOST + "</bind-address>\n")
          .append("      <name>trustbridge-plain</name>\n    </tcp-listener>\n");
    }
    xml.append("  </listeners>\n");
    if (maxQueuedMessages > 0) {
      xml.append("  <mqtt>\n    <queued-messages>\n      <max-queue-size>")
          .append(maxQueuedMessages)
          .append("</max-queue-size>\n    </queued-messages>\n  </mqtt>\n");
    }
    xml.append("  <anonymous-usage-statistics>\n    <enabled>false</enabled>\n")
        .append("  </anonymous-usage-statistics>\n</hivemq>\n");
    return xml.toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  // HiveMQ logs a listener that cannot bind and starts anyway; a probe turns that into a failure
  private void probe(String listener, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), PROBE_TIMEOUT_MILLIS);
    } catch (IOException e) {
      stop();
      throw new IllegalStateException(
          "embedded broker started but its " + listener + " listener does not accept on " + port,
          e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete broker work directory " + dir, e);
    }
  }

  /** Options of an {@link EmbeddedBroker}; every port 0 means a free port chosen at build time. */
  public static final class Builder {

    private final DevelopmentPki pki;
    private Path workDirectory;
    private int tlsPort;
    private boolean plainListener;
    private int plainPort;
    private long maxQueuedMessages;

    private Builder(DevelopmentPki pki) {
      this.pki = Objects.requireNonNull(pki, "pki");
    }

    /**
     * The directory for {@code conf/config.xml} and {@code data/}, kept after {@link #close()}.
     * Default: a new temporary directory, deleted on close.
     */
    public Builder workDirectory(Path workDirectory) {
      this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
      return this;
    }

    /** The TLS listener's port; default 0, a free port. */
    public Builder tlsPort(int port) {
      this.tlsPort = checkPort(port);
      return this;
    }

    /** Adds a plaintext TCP listener on {@code port} (0: a free port); default: none. */
    public Builder plainListener(int port) {
      this.plainListener = true;
      this.plainPort = checkPort(port);
      return this;
    }

    /**
     * The most messages the broker queues per client session, connected or not, beyond which it
     * discards new ones; default: HiveMQ's (1000). Load tests whose consumer may fall behind a
     * backlog raise it.
     */
    public Builder maxQueuedMessages(long maxQueuedMessages) {
      if (maxQueuedMessages < 1) {
        throw new IllegalArgumentException(
            "maxQueuedMessages must be at least 1, got " + maxQueuedMessages);
      }
      this.maxQueuedMessages = maxQueuedMessages;
      return this;
    }

    /** Writes the configuration and prepares the broker; call {@link EmbeddedBroker#start()}. */
    public EmbeddedBroker build() {
      try {
        return new EmbeddedBroker(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare the embedded broker", e);
      }
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      return port;
    }
  }
}
