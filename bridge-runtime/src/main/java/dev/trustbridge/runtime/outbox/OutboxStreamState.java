package dev.trustbridge.runtime.outbox;

import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeException.Reason;
import dev.trustbridge.trust.envelope.StreamStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signer's stream state inside the outbox store: the boot epoch is saved at once, and each
 * stream position is committed in the same transaction as the envelope that advanced it, so {@link
 * #advance} has nothing to write.
 */
final class OutboxStreamState implements StreamStateStore {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxStreamState.class);

  private final OutboxStore store;
  private final Path earlierStateFile;

  OutboxStreamState(OutboxStore store, Path earlierStateFile) {
    this.store = store;
    this.earlierStateFile = earlierStateFile;
  }

  @Override
  public Optional<State> load() throws EnvelopeException {
    Optional<State> state;
    try {
      state = store.loadState();
    } catch (OutboxException e) {
      throw new EnvelopeException(Reason.STATE_STORE, e.getMessage(), e);
    }
    if (state.isPresent() || !Files.exists(earlierStateFile)) {
      return state;
    }
    try (StreamStateStore earlier = StreamStateStore.file(earlierStateFile)) {
      Optional<State> taken = earlier.load();
      LOG.info(
          "stream state taken over into the outbox store from={} streams={}",
          earlierStateFile,
          taken.map(s -> s.streams().size()).orElse(0));
      return taken;
    }
  }

  @Override
  public void save(State state) throws EnvelopeException {
    try {
      store.saveState(state);
    } catch (OutboxException e) {
      throw new EnvelopeException(Reason.STATE_STORE, e.getMessage(), e);
    }
  }

  @Override
  public void advance(String device, Position position) {
    // committed with the envelope: see OutboxStore
  }

  @Override
  public void close() {
    // the outbox store is closed by its owner
  }

  @Override
  public String toString() {
    return "OutboxStreamState[" + store.file() + "]";
  }
}
