package dev.trustbridge.trust.envelope;

import dev.trustbridge.trust.envelope.internal.FileStreamStateStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an {@link EnvelopeSigner} keeps, across restarts, its boot epoch and the position of every
 * device stream, so that a sequence number is never reused and the hash links continue.
 */
public interface StreamStateStore extends AutoCloseable {

  /**
   * The position of one stream after its last envelope.
   *
   * @param seq the sequence number of the last envelope signed
   * @param hash that envelope's hash, the {@code prev} of the next one
   */
  record Position(long seq, String hash) {
    public Position {
      Objects.requireNonNull(hash, "hash");
    }
  }

  /**
   * Everything a signer persists.
   *
   * @param site the site of the gateway that owns the state
   * @param gateway that gateway
   * @param epoch the boot epoch of the signer that wrote it
   * @param streams the position per device
   */
  record State(String site, String gateway, long epoch, Map<String, Position> streams) {
    public State {
      Objects.requireNonNull(site, "site");
      Objects.requireNonNull(gateway, "gateway");
      streams = Map.copyOf(streams);
    }
  }

  /**
   * A store of one JSON file, replaced atomically (temporary file, fsync, atomic rename, fsync of
   * the directory) on every save. It holds a lock on {@code <file>.lock} until closed, so that two
   * signers never share the state.
   *
   * @throws EnvelopeException {@code STATE_STORE} if the lock is held by another signer or cannot
   *     be taken
   */
  static StreamStateStore file(Path file) throws EnvelopeException {
    return FileStreamStateStore.open(file);
  }

  /**
   * The stored state.
   *
   * @return empty if nothing was ever saved
   * @throws EnvelopeException {@code STATE_STORE} if the stored state cannot be read
   */
  Optional<State> load() throws EnvelopeException;

  /**
   * Replaces the stored state; returns only once it is on stable storage.
   *
   * @throws EnvelopeException {@code STATE_STORE} if it cannot be written durably
   */
  void save(State state) throws EnvelopeException;

  /** Releases the store. */
  @Override
  void close();
}
