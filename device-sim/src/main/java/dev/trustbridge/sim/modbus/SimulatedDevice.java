package dev.trustbridge.sim.modbus;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One simulated Modbus TCP device of a running {@link ModbusSimulator}: its address, its point
 * values, and switches that make it misbehave the way field devices do.
 *
 * <p>A device answers only requests for its own unit id; any other unit id gets exception 11
 * (gateway target device failed to respond), as a Modbus gateway answers for a missing device.
 * Addresses without a point are answered with exception 2 (illegal data address).
 *
 * <p>Faults are independent and stay until {@link #clearFaults()}: a delayed device can also answer
 * with an exception; {@link #dropConnections()} overrides both.
 */
public interface SimulatedDevice {

  /** The device id from the scenario. */
  String id();

  /**
   * The address the device listens on; the port stays the same across {@link #stop()}/{@link
   * #start()}.
   */
  InetSocketAddress address();

  /**
   * The TCP port: the scenario's, or the free port taken at first start when the scenario says 0.
   */
  int port();

  /** The Modbus unit id the device answers to. */
  int unitId();

  /** Whether the device accepts connections now. */
  boolean isRunning();

  /**
   * Takes the device off the network: closes its listening socket and every open connection, so new
   * connections are refused. Values keep evolving with the scenario's tick. Does nothing if
   * stopped.
   */
  void stop();

  /**
   * Listens again on the same port. Does nothing if running.
   *
   * @throws java.io.UncheckedIOException if the port has been taken meanwhile
   */
  void start();

  /**
   * Holds each reply for {@code delay} after the request arrives. {@link #clearFaults()} or {@code
   * delayReplies(Duration.ZERO)} releases replies that are waiting.
   */
  void delayReplies(Duration delay);

  /**
   * Answers every request with Modbus exception {@code exceptionCode} instead of data, e.g. 4
   * (server device failure) or 6 (server device busy).
   *
   * @param exceptionCode 1 to 255
   */
  void answerWithException(int exceptionCode);

  /**
   * Closes every open connection now and keeps closing each new connection right after accepting it
   * (a master sees connect succeed, then end-of-stream), until {@link #clearFaults()}.
   */
  void dropConnections();

  /**
   * Closes every open connection now, once; new connections are served normally, as after a device
   * reboot or a network blip.
   */
  void closeConnections();

  /** Ends every fault: no delay, normal answers, connections kept. */
  void clearFaults();

  /**
   * Pins the register point that starts at {@code address} to {@code value}, exactly: its generator
   * stops and the value is written now, encoded in the point's type and order.
   *
   * @throws IllegalArgumentException if no register point starts there or the type cannot hold the
   *     value exactly
   */
  void setValue(Table table, int address, Number value);

  /**
   * Pins the bit point at {@code address} to {@code value}; its generator stops.
   *
   * @throws IllegalArgumentException if there is no bit point there
   */
  void setBit(Table table, int address, boolean value);

  /**
   * The current value of the register point that starts at {@code address}, decoded from its
   * registers, so it shows what a master wrote: an {@link Integer} for int16, uint16 and int32, a
   * {@link Long} for uint32, a {@link Float} for float32.
   *
   * @throws IllegalArgumentException if no register point starts there
   */
  Number value(Table table, int address);

  /**
   * The current value of the bit point at {@code address}, master writes included.
   *
   * @throws IllegalArgumentException if there is no bit point there
   */
  boolean bit(Table table, int address);
}
