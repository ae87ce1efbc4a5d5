package dev.trustbridge.benchmarks;

import dev.trustbridge.trust.envelope.StreamStateStore;
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
  public void close() {}

  @Override
  public String toString() {
    return "MemoryStateStore";
  }
}
