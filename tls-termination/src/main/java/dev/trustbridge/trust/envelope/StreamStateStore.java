package dev.trustbridge.trust.envelope;

import dev.trustbridge.trust.envelope.internal.FileStreamStateStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an {@link EnvelopeSigner} keeps, across restarts, its boot epoch and the position of every
 * device stream, so that a sequence number is never reused and the hash links continue.
 *
 * <p>A position must be durable no later than the envelope that advanced it leaves the gateway. The
 * {@linkplain #file(Path) file store} writes it before {@link #advance} returns; a store that keeps
 * the envelopes too, such as the gateway's outbox, may write it in the same transaction as the
 * envelope, so that a crash loses either both or neither.
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
   * the directory) on every save, and on every advance before it returns; devices that advance at
   * the same time share one write. It holds a lock on {@code <file>.lock} until closed, so that two
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
   * Replaces the stored state; returns only once it is on stable storage. A signer calls it once,
   * when it opens with a new boot epoch.
   *
   * @throws EnvelopeException {@code STATE_STORE} if it cannot be written durably
   */
  void save(State state) throws EnvelopeException;

  /**
   * Records that a device's stream advanced to {@code position}, after a {@link #save} of the state
   * it belongs to. Called by one signing thread per device at a time, by several for different
   * devices.
   *
   * @throws EnvelopeException {@code STATE_STORE} if the position cannot be made as durable as the
   *     store promises
   */
  void advance(String device, Position position) throws EnvelopeException;

  /** Releases the store. */
  @Override
  void close();
}
