package dev.trustbridge.benchmarks;

import dev.trustbridge.trust.envelope.StreamStateStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stream state kept in memory only: a signer on it pays everything but the durable write, which is
 * what this store exists to leave out of a measurement. A gateway must never use it, since a
 * restart would reuse sequence numbers.
 */
final class MemoryStateStore implements StreamStateStore {

  private volatile State state;

  @Override
  public Optional<State> load() {
    return Optional.ofNullable(state);
  }

  @Override
  public void save(State state) {
    this.state = state;
  }

  @Override
  public synchronized void advance(String device, Position position) {
    State current = state;
    Map<String, Position> streams = new HashMap<>(current.streams());
    streams.put(device, position);
    state = new State(current.site(), current.gateway(), current.epoch(), streams);
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "MemoryStateStore";
  }
}
