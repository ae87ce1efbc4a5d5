package dev.trustbridge.sim.modbus.internal;

import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import dev.trustbridge.sim.modbus.SimulatedDevice;
import dev.trustbridge.sim.modbus.Table;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one device over Modbus TCP: accepts connections on its own socket, one thread per
 * connection, and answers through j2mod's transport, request and response classes, with the faults
 * switched on.
 */
public final class DeviceServer implements SimulatedDevice {

  private static final Logger log = LoggerFactory.getLogger(DeviceServer.class);
  private static final int BACKLOG = 50;
  private static final long ACCEPT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final DeviceConfig config;
  private final InetAddress bindAddress;
  private final DeviceImage image;
  private final ImageListener listener;
  private final ExecutorService connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Object faultMonitor = new Object();
  private volatile Faults faults = Faults.NONE;

  // guarded by this
  private int port;
  private ServerSocket server;
  private Thread acceptor;

  private record Faults(Duration delay, int exceptionCode, boolean dropping) {
    static final Faults NONE = new Faults(Duration.ZERO, 0, false);
  }

  public DeviceServer(DeviceConfig config, Duration tick, InetAddress bindAddress) {
    this.config = config;
    this.bindAddress = bindAddress;
    this.port = config.port();
    this.image = new DeviceImage(config, tick);
    this.listener = new ImageListener(image.processImage());
    AtomicInteger count = new AtomicInteger();
    this.connections =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread =
                  new Thread(
                      task, "modbus-sim-" + config.id() + "-conn-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Advances the device's values to tick {@code n}; runs whether or not the device is listening.
   */
  public void tick(long n) {
    image.tick(n);
  }

  @Override
  public String id() {
    return config.id();
  }

  @Override
  public synchronized InetSocketAddress address() {
    return new InetSocketAddress(bindAddress, port);
  }

  @Override
  public synchronized int port() {
    return port;
  }

  @Override
  public int unitId() {
    return config.unitId();
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null;
  }

  @Override
  public synchronized void start() {
    if (server != null) {
      return;
    }
    ServerSocket socket = null;
    try {
      socket = new ServerSocket();
      // A restart binds the same port while closed connections may still sit in TIME_WAIT.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(bindAddress, port), BACKLOG);
    } catch (IOException e) {
      if (socket != null) {
        close(socket);
      }
      throw new UncheckedIOException(
          "device "
              + id()
              + " cannot listen on "
              + bindAddress.getHostAddress()
              + ":"
              + port
              + ": "
              + e.getMessage(),
          e);
    }
    port = socket.getLocalPort();
    server = socket;
    ServerSocket listening = socket;
    acceptor = new Thread(() -> accept(listening), "modbus-sim-" + id() + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    log.info(
        "modbus device listening device={} address={}:{} unitId={}",
        id(),
        bindAddress.getHostAddress(),
        port,
        unitId());
  }

  @Override
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    close(server);
    try {
      // Joined before closing connections, so none accepted in the meantime stays open.
      acceptor.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server = null;
    acceptor = null;
    closeOpenConnections();
    log.info("modbus device stopped device={} port={}", id(), port);
  }

  /** Stops the device for good, ending its connection threads, delayed ones included. */
  public void shutdown() {
    stop();
    connections.shutdownNow();
  }

  @Override
  public void delayReplies(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    update(f -> new Faults(delay, f.exceptionCode(), f.dropping()));
  }

  @Override
  public void answerWithException(int exceptionCode) {
    if (exceptionCode < 1 || exceptionCode > 255) {
      throw new IllegalArgumentException("a Modbus exception code is 1..255, got " + exceptionCode);
    }
    update(f -> new Faults(f.delay(), exceptionCode, f.dropping()));
  }

  @Override
  public void dropConnections() {
    update(f -> new Faults(f.delay(), f.exceptionCode(), true));
    closeOpenConnections();
  }

  @Override
  public void closeConnections() {
    log.info("modbus device closing connections device={} count={}", id(), open.size());
    closeOpenConnections();
  }

  @Override
  public void clearFaults() {
    update(f -> Faults.NONE);
  }

  @Override
  public void setValue(Table table, int address, Number value) {
    Objects.requireNonNull(value, "value");
    image.setValue(table, address, value);
  }

  @Override
  public void setBit(Table table, int address, boolean value) {
    image.setBit(table, address, value);
  }

  @Override
  public Number value(Table table, int address) {
    return image.value(table, address);
  }

  @Override
  public boolean bit(Table table, int address) {
    return image.bit(table, address);
  }

  @Override
  public String toString() {
    return "SimulatedDevice[" + id() + " " + address() + " unitId=" + unitId() + "]";
  }

  private void update(UnaryOperator<Faults> change) {
    Faults before;
    Faults now;
    synchronized (faultMonitor) {
      before = faults;
      now = change.apply(before);
      faults = now;
      faultMonitor.notifyAll();
    }
    if (now.equals(before)) {
      return;
    }
    log.info(
        "modbus device faults device={} delayMs={} exceptionCode={} dropConnections={}",
        id(),
        now.delay().toMillis(),
        now.exceptionCode(),
        now.dropping());
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      Socket socket;
      try {
        socket = listening.accept();
      } catch (IOException e) {
        if (!listening.isClosed()) {
          log.warn("modbus accept failed device={} reason={}", id(), e.toString());
          LockSupport.parkNanos(ACCEPT_RETRY_NANOS);
        }
        continue;
      }
      if (faults.dropping()) {
        log.info(
            "modbus connection dropped device={} peer={}", id(), socket.getRemoteSocketAddress());
        close(socket);
        continue;
      }
      open.add(socket);
      connections.execute(() -> serve(socket));
    }
  }

  private void serve(Socket socket) {
    log.debug("modbus connection opened device={} peer={}", id(), socket.getRemoteSocketAddress());
    try {
      // The reply is one small write; waiting for the next ACK before sending it would add latency.
      socket.setTcpNoDelay(true);
      ModbusTCPTransport transport = new ModbusTCPTransport(socket);
      // j2mod's transport defaults to a 3 s read timeout; a device keeps idle connections open.
      transport.setTimeout(0);
      while (!socket.isClosed()) {
        ModbusRequest request = transport.readRequest(listener);
        Faults current = awaitDelay(socket);
        if (current.dropping() || socket.isClosed()) {
          break;
        }
        image.lock().lock();
        try {
          transport.writeResponse(respond(request, current));
        } finally {
          image.lock().unlock();
        }
      }
    } catch (ModbusIOException | IOException e) {
      log.debug(
          "modbus connection ended device={} peer={} reason={}",
          id(),
          socket.getRemoteSocketAddress(),
          e.getMessage());
    } catch (RuntimeException e) {
      // j2mod's transport throws unchecked exceptions on some malformed frames
      log.warn(
          "modbus connection failed device={} peer={} reason={}",
          id(),
          socket.getRemoteSocketAddress(),
          e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(socket);
      close(socket);
    }
  }

  private ModbusResponse respond(ModbusRequest request, Faults current) {
    if ((request.getUnitID() & 0xFF) != unitId()) {
      return request.createExceptionResponse(Modbus.GATEWAY_TARGET_NO_RESPONSE);
    }
    if (current.exceptionCode() != 0) {
      return request.createExceptionResponse(current.exceptionCode());
    }
    try {
      return request.createResponse(listener);
    } catch (RuntimeException e) {
      log.warn(
          "modbus request failed device={} function={} reason={}",
          id(),
          request.getFunctionCode(),
          e.toString());
      return request.createExceptionResponse(Modbus.SLAVE_DEVICE_FAILURE);
    }
  }

  /** Waits out the delay fault that was on when the request arrived, unless it is lifted. */
  private Faults awaitDelay(Socket socket) throws InterruptedException {
    Faults current = faults;
    if (current.delay().isZero()) {
      return current;
    }
    long deadline = System.nanoTime() + current.delay().toNanos();
    synchronized (faultMonitor) {
      long remaining;
      while (!socket.isClosed()
          && !faults.delay().isZero()
          && (remaining = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(faultMonitor, remaining);
      }
      return faults;
    }
  }

  private void closeOpenConnections() {
    for (Socket socket : open) {
      close(socket);
    }
    synchronized (faultMonitor) {
      // wakes delayed replies whose connection is now closed
      faultMonitor.notifyAll();
    }
  }

  private void close(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      log.debug("modbus close failed device={} reason={}", id(), e.getMessage());
    }
  }
}
