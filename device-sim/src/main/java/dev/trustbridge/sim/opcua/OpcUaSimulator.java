package dev.trustbridge.sim.opcua;

import dev.trustbridge.sim.opcua.internal.AddressSpaceModel;
import dev.trustbridge.sim.opcua.internal.ServerInstance;
import dev.trustbridge.sim.opcua.internal.ServerPki;
import dev.trustbridge.sim.opcua.internal.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the server of an {@link OpcUaScenario} on 127.0.0.1 with Eclipse Milo, advances its values
 * every tick, and offers switches that make it misbehave the way field servers do.
 *
 * <pre>{@code
 * try (OpcUaSimulator simulator = OpcUaSimulator.start(OpcUaScenario.samplePlant(), pkiDir)) {
 *   simulator.trustClientCertificate(gatewayCertificate);
 *   // connect to simulator.endpointUrl(), read simulator.nodeId("Filler/Speed")
 * }
 * }</pre>
 *
 * <p>Node ids are {@code ns=<namespaceIndex()>;s=<node path>}, the node path being the folder and
 * variable names joined by {@code /}, e.g. {@code Filler/Speed}; the namespace URI is {@link
 * #namespaceUri()}. The process registers the Bouncy Castle provider, which Milo needs for
 * Aes256_Sha256_RsaPss.
 *
 * <p>Fault switches: {@link #restart()}, {@link #stopServer()}/{@link #startServer()}, {@link
 * #stallPublishing(boolean)} and {@link #changeCertificate()}. Values keep evolving with the tick
 * whatever the switches say.
 */
public final class OpcUaSimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OpcUaSimulator.class);

  // a free port is probed, released and then bound by the server; another process may win the race
  private static final int PORT_ATTEMPTS = 5;

  private final SimulatorConfig config;
  private final AddressSpaceModel model;
  private final ServerPki pki;
  private final boolean ownsPkiDirectory;
  private final ScheduledExecutorService ticker;
  private int port;
  private ServerInstance server;
  private int namespaceIndex;
  private boolean closed;
  private long ticks;

  private OpcUaSimulator(OpcUaScenario scenario, ServerPki pki, boolean ownsPkiDirectory) {
    this.config = scenario.config();
    this.model = new AddressSpaceModel(config);
    this.pki = pki;
    this.ownsPkiDirectory = ownsPkiDirectory;
    this.port = config.port();
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "opcua-sim-tick");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts the scenario's server with its PKI (application certificate and trust lists) in {@code
   * pkiDirectory}, creating what is missing there; a certificate stored by an earlier run for the
   * same ApplicationUri is reused.
   *
   * @throws UncheckedIOException if the PKI directory cannot be used or the server cannot listen
   */
  public static OpcUaSimulator start(OpcUaScenario scenario, Path pkiDirectory) {
    return start(scenario, pkiDirectory, false);
  }

  /**
   * Starts the scenario's server with a new PKI in a temporary directory, deleted on {@link
   * #close()}.
   *
   * @throws UncheckedIOException if the directory cannot be created or the server cannot listen
   */
  public static OpcUaSimulator start(OpcUaScenario scenario) {
    try {
      return start(scenario, Files.createTempDirectory("trustbridge-opcua-pki"), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary PKI directory", e);
    }
  }

  private static OpcUaSimulator start(OpcUaScenario scenario, Path pkiDirectory, boolean owned) {
    SimulatorConfig config = scenario.config();
    ServerPki pki =
        ServerPki.open(
            pkiDirectory,
            config.applicationUri(),
            "TrustBridge simulator " + config.name(),
            config.security().acceptAllClients());
    OpcUaSimulator simulator = new OpcUaSimulator(scenario, pki, owned);
    try {
      simulator.startServer();
    } catch (RuntimeException e) {
      simulator.close();
      throw e;
    }
    long tickNanos = config.tick().toNanos();
    simulator.ticker.scheduleAtFixedRate(
        simulator::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    log.info(
        "opcua simulator started scenario={} endpoint={} applicationUri={} security={}"
            + " userTokens={} pki={}",
        config.source(),
        simulator.endpointUrl(),
        config.applicationUri(),
        String.join(",", config.security().endpointNames()),
        String.join(",", config.security().userTokenNames()),
        pki.directory());
    return simulator;
  }

  /** {@code opc.tcp://127.0.0.1:<port>}: the one endpoint URL; every policy is offered there. */
  public String endpointUrl() {
    return ServerInstance.endpointUrl(port());
  }

  /** The TCP port: the scenario's, or the free port taken at first start; kept across restarts. */
  public synchronized int port() {
    return port;
  }

  /** {@code urn:trustbridge:sim:<name>}: the server's ApplicationUri, also in its certificate. */
  public String applicationUri() {
    return config.applicationUri();
  }

  /** The namespace URI of the simulated nodes, {@code urn:trustbridge:sim:<name>:nodes}. */
  public String namespaceUri() {
    return config.namespaceUri();
  }

  /** The index of {@link #namespaceUri()} in the server's namespace table. */
  public synchronized int namespaceIndex() {
    return namespaceIndex;
  }

  /**
   * The node id of the node at {@code path}, e.g. {@code ns=2;s=Filler/Speed}, in the text form OPC
   * UA tools parse.
   */
  public String nodeId(String path) {
    return "ns=" + namespaceIndex() + ";s=" + path;
  }

  /**
   * The offered security policies and modes, e.g. {@code None}, {@code
   * Basic256Sha256/SignAndEncrypt}.
   */
  public List<String> securityPolicies() {
    return config.security().endpointNames();
  }

  /** The offered user tokens: {@code anonymous}, {@code username}, {@code certificate}. */
  public List<String> userTokens() {
    return config.security().userTokenNames();
  }

  /** The server's current application certificate (RSA 2048, self-signed). */
  public X509Certificate certificate() {
    return pki.certificate();
  }

  /** SHA-256 over the DER encoding of {@link #certificate()}, lowercase hex. */
  public String certificateSha256() {
    return ServerPki.sha256(pki.certificate());
  }

  /**
   * The PKI directory: {@code own/} holds the server's certificate and key, {@code trusted/certs}
   * the trusted client application certificates, {@code rejected/certs} the refused ones, {@code
   * users/trusted/certs} the trusted X.509 user certificates. Certificate files copied into a
   * {@code trusted/certs} directory count at once.
   */
  public Path pkiDirectory() {
    return pki.directory();
  }

  /**
   * Trusts a client application certificate (or a CA certificate that issued client certificates),
   * from now on and, through the PKI directory, in later runs.
   */
  public void trustClientCertificate(X509Certificate certificate) {
    pki.trustClient(certificate);
  }

  /** Trusts an X.509 user certificate (or its CA) for the user token, if the scenario offers it. */
  public void trustUserCertificate(X509Certificate certificate) {
    pki.trustUser(certificate);
  }

  /**
   * Pins the variable at {@code path} to {@code value}: its generator stops and the value is
   * reported now. Takes a {@link Boolean}; for whole-number types any {@link Number} the type holds
   * exactly; for Float and Double any finite number; a {@link String}; an {@link java.time.Instant}
   * for DateTime.
   *
   * @throws IllegalArgumentException if there is no such variable or its type cannot hold the value
   */
  public void setValue(String path, Object value) {
    model.setValue(path, value);
  }

  /**
   * The current value of the variable at {@code path}, client writes included: a {@link Boolean},
   * {@link Short} (Int16), {@link Integer} (Int32, UInt16), {@link Long} (Int64, UInt32), {@link
   * java.math.BigInteger} (UInt64), {@link Float}, {@link Double}, {@link String} or {@link
   * java.time.Instant} (DateTime).
   *
   * @throws IllegalArgumentException if there is no such variable
   */
  public Object value(String path) {
    return model.value(path);
  }

  /** Whether the server accepts connections now. */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * Takes the server off the network: closes its listening socket and every connection, ending
   * every session and subscription. Values keep evolving. Does nothing if stopped.
   */
  public synchronized void stopServer() {
    if (server == null) {
      return;
    }
    server.stop();
    server = null;
    log.info("opcua server stopped endpoint={}", endpointUrl());
  }

  /**
   * Listens again on the same port with the same address space and values; clients must open new
   * sessions. Does nothing if running.
   *
   * @throws UncheckedIOException if the port has been taken meanwhile
   * @throws IllegalStateException if the simulator is closed
   */
  public synchronized void startServer() {
    if (closed) {
      throw new IllegalStateException("the OPC UA simulator of " + config.source() + " is closed");
    }
    if (server != null) {
      return;
    }
    if (port != 0) {
      server = ServerInstance.start(model, pki, port);
    } else {
      server = startOnFreePort();
    }
    namespaceIndex = server.namespaceIndex();
    log.info("opcua server started endpoint={}", endpointUrl());
  }

  /**
   * Stops and starts the server on the same port, as a device reboot does: every connection is
   * closed and sessions and subscriptions are lost, so clients must reconnect.
   */
  public synchronized void restart() {
    stopServer();
    startServer();
    log.info("opcua server restarted endpoint={}", endpointUrl());
  }

  /**
   * Stalls or resumes publishing. While stalled, subscriptions deliver no data changes while
   * sessions and subscriptions stay up and keep-alives keep flowing, as when a server's data
   * acquisition hangs; reads still answer current values. On resume, every monitored item gets its
   * current value. Survives {@link #restart()}.
   */
  public void stallPublishing(boolean stall) {
    if (model.stall(stall)) {
      log.info("opcua publishing {} endpoint={}", stall ? "stalled" : "resumed", endpointUrl());
    }
  }

  /** Whether publishing is stalled. */
  public boolean isPublishingStalled() {
    return model.isStalled();
  }

  /**
   * Replaces the application certificate with a new one for a new key, stored in the PKI directory,
   * and restarts the server so that every client sees it: a client that pinned the old certificate
   * no longer connects. A stopped server stays stopped.
   *
   * @return the new certificate
   */
  public synchronized X509Certificate changeCertificate() {
    boolean running = isRunning();
    stopServer();
    X509Certificate renewed = pki.renew();
    if (running) {
      startServer();
    }
    log.info("opcua certificate changed endpoint={} sha256={}", endpointUrl(), certificateSha256());
    return renewed;
  }

  /** Stops the server and the tick; deletes a temporary PKI directory; safe to call twice. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      ticker.shutdownNow();
      stopServer();
    }
    pki.close();
    if (ownsPkiDirectory) {
      deleteRecursively(pki.directory());
    }
    log.info("opcua simulator closed scenario={}", config.source());
  }

  private ServerInstance startOnFreePort() {
    UncheckedIOException last = null;
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      int candidate = freePort();
      try {
        ServerInstance started = ServerInstance.start(model, pki, candidate);
        port = candidate;
        return started;
      } catch (UncheckedIOException e) {
        log.debug("opcua free port taken meanwhile port={} error={}", candidate, e.getMessage());
        last = e;
      }
    }
    throw last;
  }

  private static int freePort() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(ServerInstance.HOST))) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + ServerInstance.HOST, e);
    }
  }

  // Runs on the ticker thread only; an exception would silently cancel all later ticks.
  private void tick() {
    long n = ++ticks;
    try {
      model.tick(n);
    } catch (RuntimeException e) {
      log.error("opcua tick failed scenario={} tick={}", config.source(), n, e);
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      log.warn(
          "opcua temporary PKI directory not deleted dir={} error={}", directory, e.toString());
    }
  }
}
