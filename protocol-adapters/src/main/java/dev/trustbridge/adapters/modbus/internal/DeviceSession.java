package dev.trustbridge.adapters.modbus.internal;

import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransaction;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadCoilsRequest;
import com.ghgande.j2mod.modbus.msg.ReadCoilsResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputDiscretesRequest;
import com.ghgande.j2mod.modbus.msg.ReadInputDiscretesResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersResponse;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.msg.WriteCoilRequest;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterRequest;
import com.ghgande.j2mod.modbus.net.TCPMasterConnection;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.util.BitVector;
import dev.trustbridge.adapters.DeviceWriteException;
import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.internal.Backoff;
import dev.trustbridge.adapters.modbus.ModbusDevice;
import dev.trustbridge.adapters.modbus.ModbusFingerprint;
import dev.trustbridge.adapters.modbus.ModbusTable;
import dev.trustbridge.adapters.modbus.ModbusTag;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one connection to one Modbus device. Each poll reads every planned request and
 * returns one sample per tag: GOOD when read, BAD when the device is down, timed out or answered
 * with an exception. A lost connection is retried after a backoff delay; until then polls return
 * BAD at once instead of blocking on the network. Polls and writes take turns on the one
 * connection.
 */
public final class DeviceSession implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);

  private final ModbusDevice device;
  private final List<ReadRequest> plan;
  // for each request of the plan, where each of its tags stands in the device's tag list
  private final int[][] positions;
  private final Backoff backoff;
  private final Clock clock;
  // polls and writes take turns on the one connection: a poll holds it for one read at a time and
  // the lock is fair, so a write waits for at most one read, not for a whole poll
  private final ReentrantLock turn = new ReentrantLock(true);
  private final Set<ReadRequest> rejectedRequests = new HashSet<>();
  private TCPMasterConnection connection;
  private Instant nextConnectAttempt = Instant.MIN;
  private boolean down;
  private boolean stopped;

  public DeviceSession(ModbusDevice device, List<ReadRequest> plan, Backoff backoff, Clock clock) {
    this.device = device;
    this.plan = List.copyOf(plan);
    this.positions = positions(device, this.plan);
    this.backoff = backoff;
    this.clock = clock;
  }

  private static int[][] positions(ModbusDevice device, List<ReadRequest> plan) {
    // the plan holds the device's own tag instances, so identity finds them
    Map<ModbusTag, Integer> positionOf = new IdentityHashMap<>();
    for (ModbusTag tag : device.tags()) {
      positionOf.put(tag, positionOf.size());
    }
    int[][] positions = new int[plan.size()][];
    for (int i = 0; i < plan.size(); i++) {
      List<ModbusTag> tags = plan.get(i).tags();
      positions[i] = new int[tags.size()];
      for (int j = 0; j < tags.size(); j++) {
        Integer position = positionOf.get(tags.get(j));
        if (position == null) {
          throw new IllegalArgumentException(
              "tag " + tags.get(j).name() + " of the read plan is not a tag of " + device.id());
        }
        positions[i][j] = position;
      }
    }
    return positions;
  }

  /**
   * Reads all tags once. Never throws for device faults: they become BAD samples. A device whose
   * fingerprint did not match yields no samples at all.
   */
  public SampleBatch poll() {
    boolean connected;
    turn.lock();
    try {
      connected = !stopped && ensureConnected();
      if (stopped) {
        return new SampleBatch(device.id(), List.of());
      }
    } finally {
      turn.unlock();
    }
    // by position in the device's tag list; null where nothing was read
    Object[] values = new Object[device.tags().size()];
    for (int i = 0; connected && i < plan.size(); i++) {
      turn.lock();
      try {
        // a write in between may have lost the connection, or the session was closed
        connected = !stopped && isConnected() && read(i, values);
      } finally {
        turn.unlock();
      }
    }
    Instant now = clock.instant();
    List<Sample> samples = new ArrayList<>(values.length);
    for (int i = 0; i < values.length; i++) {
      ModbusTag tag = device.tags().get(i);
      Object value = values[i];
      samples.add(
          value == null
              ? Sample.bad(tag.name(), now, tag.unit())
              : Sample.good(tag.name(), value, now, now, tag.unit()));
    }
    return new SampleBatch(device.id(), samples);
  }

  /**
   * Writes one value to a holding register tag (function 6, or 16 for 32-bit types) or a coil tag
   * (function 5), reconnecting first if the connection is down.
   *
   * @return the device's answer, e.g. {@code "function 16 wrote 2 registers at 100"}
   * @throws DeviceWriteException {@code INVALID_VALUE} if the value does not fit the tag, {@code
   *     DEVICE_ERROR} if the device is down, times out or answers with an exception
   */
  public String write(ModbusTag tag, Object value) throws DeviceWriteException {
    ModbusRequest request = writeRequest(tag, value);
    request.setUnitID(device.unitId());
    turn.lock();
    try {
      return write(tag, request);
    } finally {
      turn.unlock();
    }
  }

  private String write(ModbusTag tag, ModbusRequest request) throws DeviceWriteException {
    nextConnectAttempt = Instant.MIN;
    if (!ensureConnected()) {
      throw new DeviceWriteException(
          DeviceWriteException.Reason.DEVICE_ERROR,
          "device " + device.id() + " at " + device.endpoint() + " is not reachable");
    }
    try {
      execute(request);
    } catch (ModbusSlaveException e) {
      throw new DeviceWriteException(
          DeviceWriteException.Reason.DEVICE_ERROR,
          "device " + device.id() + " answered with Modbus exception " + e.getType(),
          e);
    } catch (Exception e) {
      connectionLost(e);
      throw new DeviceWriteException(
          DeviceWriteException.Reason.DEVICE_ERROR,
          "device " + device.id() + " did not answer the write: " + reason(e),
          e);
    }
    int count = tag.type().width();
    return "function "
        + request.getFunctionCode()
        + " wrote "
        + count
        + (tag.table() == ModbusTable.COIL ? " coil" : " register")
        + (count == 1 ? "" : "s")
        + " at "
        + tag.address();
  }

  private static ModbusRequest writeRequest(ModbusTag tag, Object value)
      throws DeviceWriteException {
    if (tag.table() == ModbusTable.COIL) {
      if (!(value instanceof Boolean bit)) {
        throw new DeviceWriteException(
            DeviceWriteException.Reason.INVALID_VALUE,
            "tag " + tag.name() + " is a coil: the value must be true or false, not " + value);
      }
      return new WriteCoilRequest(tag.address(), bit);
    }
    if (tag.table() != ModbusTable.HOLDING_REGISTER) {
      throw new IllegalArgumentException(
          "tag " + tag.name() + " is in the read-only table " + tag.table().configName());
    }
    if (!(value instanceof Number number)) {
      throw new DeviceWriteException(
          DeviceWriteException.Reason.INVALID_VALUE,
          "tag " + tag.name() + " holds a number, not " + value);
    }
    int[] values = TagEncoder.encodeRegisters(tag, number);
    if (values.length == 1) {
      return new WriteSingleRegisterRequest(tag.address(), new SimpleRegister(values[0]));
    }
    Register[] registers = new Register[values.length];
    for (int i = 0; i < values.length; i++) {
      registers[i] = new SimpleRegister(values[i]);
    }
    return new WriteMultipleRegistersRequest(tag.address(), registers);
  }

  /** Whether the connection to the device is up and sends without Nagle's delay; for tests. */
  boolean sendsWithoutDelay() throws IOException {
    turn.lock();
    try {
      return connection != null
          && connection.getModbusTransport() instanceof NoDelayTransport transport
          && transport.noDelay();
    } finally {
      turn.unlock();
    }
  }

  /** Whether the connection to the device is up. */
  public boolean isConnected() {
    return connection != null && connection.isConnected();
  }

  private boolean ensureConnected() {
    if (isConnected()) {
      return true;
    }
    if (clock.instant().isBefore(nextConnectAttempt)) {
      return false;
    }
    TCPMasterConnection candidate = null;
    try {
      candidate = new TCPMasterConnection(InetAddress.getByName(device.host()));
      candidate.setPort(device.port());
      candidate.setTimeout((int) device.timeout().toMillis());
      NoDelayTransport transport = new NoDelayTransport();
      transport.setMaster(candidate);
      candidate.setModbusTransport(transport);
      candidate.connect();
      connection = candidate;
      if (device.fingerprint().isPresent() && !fingerprintMatches(device.fingerprint().get())) {
        return false;
      }
      backoff.reset();
      if (down) {
        down = false;
        LOG.info("modbus device up device={} endpoint={}", device.id(), device.endpoint());
      }
      return true;
    } catch (Exception e) {
      if (candidate != null) {
        candidate.close();
      }
      connectionLost(e);
      return false;
    }
  }

  /** Reads the fingerprint register; a mismatch stops this device for good. */
  private boolean fingerprintMatches(ModbusFingerprint fingerprint) throws Exception {
    ModbusTag register = fingerprint.register();
    Object[] read = new Object[1];
    read(
        new ReadRequest(
            register.table(), register.address(), register.type().width(), List.of(register)),
        new int[] {0},
        read);
    Object actual = read[0];
    if (fingerprint.expected().equals(actual)) {
      LOG.info(
          "modbus device fingerprint verified device={} {}", device.id(), fingerprint.describe());
      return true;
    }
    stopped = true;
    close();
    LOG.error(
        "modbus device flow stopped device={} endpoint={} reason=\"device fingerprint mismatch:"
            + " {} holds {} but the device is registered with {}; the device was swapped or is"
            + " impersonated\"",
        device.id(),
        device.endpoint(),
        fingerprint.describe(),
        actual,
        fingerprint.expected());
    return false;
  }

  private void connectionLost(Exception cause) {
    if (connection != null) {
      connection.close();
      connection = null;
    }
    Duration delay = backoff.nextDelay();
    nextConnectAttempt = clock.instant().plus(delay);
    if (!down) {
      down = true;
      LOG.warn(
          "modbus device down device={} endpoint={} reason=\"{}\" retryInMs={}",
          device.id(),
          device.endpoint(),
          reason(cause),
          delay.toMillis());
    } else {
      LOG.debug(
          "modbus reconnect failed device={} endpoint={} reason=\"{}\" retryInMs={}",
          device.id(),
          device.endpoint(),
          reason(cause),
          delay.toMillis());
    }
  }

  /**
   * Reads the plan's {@code index}-th request into {@code values}; a request the device rejects
   * leaves its tags unread.
   *
   * @return false if the connection was lost
   */
  private boolean read(int index, Object[] values) {
    ReadRequest request = plan.get(index);
    try {
      read(request, positions[index], values);
      if (rejectedRequests.remove(request)) {
        LOG.info("modbus read accepted again device={} {}", device.id(), describe(request));
      }
    } catch (ModbusSlaveException e) {
      if (rejectedRequests.add(request)) {
        LOG.warn(
            "modbus read rejected device={} {} exceptionCode={} reason=\"{}\"",
            device.id(),
            describe(request),
            e.getType(),
            e.getMessage());
      }
    } catch (Exception e) {
      connectionLost(e);
      return false;
    }
    return true;
  }

  /** Reads one request's tags into {@code values}. */
  private void read(ReadRequest request, int[] positions, Object[] values) throws Exception {
    ModbusResponse response = execute(request(request));
    List<ModbusTag> tags = request.tags();
    switch (request.table()) {
      case COIL, DISCRETE_INPUT -> {
        BitVector bits =
            response instanceof ReadCoilsResponse coils
                ? coils.getCoils()
                : ((ReadInputDiscretesResponse) response).getDiscretes();
        for (int j = 0; j < tags.size(); j++) {
          values[positions[j]] = bits.getBit(tags.get(j).address() - request.start());
        }
      }
      case INPUT_REGISTER, HOLDING_REGISTER -> {
        int[] registers = registerValues(response, request.count());
        for (int j = 0; j < tags.size(); j++) {
          Object value = TagDecoder.decodeRegisters(tags.get(j), registers, request.start());
          // a float32 NaN or infinity is the device saying it has no reading: the sample is BAD
          if (!(value instanceof Double number) || Double.isFinite(number)) {
            values[positions[j]] = value;
          }
        }
      }
    }
  }

  private ModbusRequest request(ReadRequest request) {
    ModbusRequest modbusRequest =
        switch (request.table()) {
          case COIL -> new ReadCoilsRequest(request.start(), request.count());
          case DISCRETE_INPUT -> new ReadInputDiscretesRequest(request.start(), request.count());
          case INPUT_REGISTER -> new ReadInputRegistersRequest(request.start(), request.count());
          case HOLDING_REGISTER ->
              new ReadMultipleRegistersRequest(request.start(), request.count());
        };
    modbusRequest.setUnitID(device.unitId());
    return modbusRequest;
  }

  private ModbusResponse execute(ModbusRequest request) throws Exception {
    ModbusTCPTransaction transaction = new ModbusTCPTransaction(connection);
    transaction.setRequest(request);
    // one try: a retry inside j2mod would hold this device's poll for another timeout
    transaction.setRetries(1);
    transaction.execute();
    return transaction.getResponse();
  }

  private static int[] registerValues(ModbusResponse response, int expected) {
    int received;
    IntUnaryOperator register;
    if (response instanceof ReadMultipleRegistersResponse holding) {
      received = holding.getWordCount();
      register = holding::getRegisterValue;
    } else {
      ReadInputRegistersResponse input = (ReadInputRegistersResponse) response;
      received = input.getWordCount();
      register = input::getRegisterValue;
    }
    if (received != expected) {
      throw new IllegalStateException(
          "device answered " + received + " registers where " + expected + " were asked");
    }
    int[] values = new int[expected];
    for (int i = 0; i < expected; i++) {
      values[i] = register.applyAsInt(i);
    }
    return values;
  }

  private static String describe(ReadRequest request) {
    return "table="
        + request.table().configName()
        + " start="
        + request.start()
        + " count="
        + request.count();
  }

  private static String reason(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName()
        + (message == null ? "" : ": " + message.replace('"', '\''));
  }

  @Override
  public void close() {
    turn.lock();
    try {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    } finally {
      turn.unlock();
    }
  }
}
