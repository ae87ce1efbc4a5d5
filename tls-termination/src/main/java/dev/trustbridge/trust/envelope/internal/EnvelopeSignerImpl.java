package dev.trustbridge.trust.envelope.internal;

import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.DroppedEnvelopes;
import dev.trustbridge.trust.envelope.Envelope;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeException.Reason;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.envelope.StreamId;
import dev.trustbridge.trust.envelope.StreamStateStore;
import dev.trustbridge.trust.envelope.StreamStateStore.Position;
import dev.trustbridge.trust.envelope.StreamStateStore.State;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs envelopes, one at a time per device and devices in parallel, and hands each new stream
 * position to the store, which decides when it is durable.
 */
public final class EnvelopeSignerImpl implements EnvelopeSigner {

  private static final Logger LOG = LoggerFactory.getLogger(EnvelopeSignerImpl.class);
  private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final SessionKeysImpl keys;
  private final StreamStateStore store;
  private final ChainMode mode;
  private final long epoch;
  private final Map<String, DeviceStream> devices = new ConcurrentHashMap<>();

  private final Map<String, Position> loaded;

  /** The position of one device, guarded by its own monitor while an envelope is signed. */
  private static final class DeviceStream {
    private Position last;

    DeviceStream(Position last) {
      this.last = last;
    }
  }

  private EnvelopeSignerImpl(
      SessionKeysImpl keys,
      StreamStateStore store,
      ChainMode mode,
      long epoch,
      Map<String, Position> positions) {
    this.keys = keys;
    this.store = store;
    this.mode = mode;
    this.epoch = epoch;
    this.loaded = Map.copyOf(positions);
  }

  /** See {@link EnvelopeSigner#open}. */
  public static EnvelopeSignerImpl open(
      SessionKeys sessionKeys, StreamStateStore store, ChainMode mode) throws EnvelopeException {
    SessionKeysImpl keys = SessionKeysImpl.of(sessionKeys);
    Optional<State> loaded = store.load();
    if (loaded.isPresent()
        && !(loaded.get().site().equals(keys.site())
            && loaded.get().gateway().equals(keys.gateway()))) {
      throw new EnvelopeException(
          Reason.STATE_STORE,
          "stream state in "
              + store
              + " belongs to gateway "
              + loaded.get().gateway()
              + " of site "
              + loaded.get().site()
              + ", not to "
              + keys.gateway()
              + " of "
              + keys.site());
    }
    long epoch = loaded.map(State::epoch).orElse(0L) + 1;
    Map<String, Position> positions = loaded.map(State::streams).orElse(Map.of());
    store.save(new State(keys.site(), keys.gateway(), epoch, positions));
    LOG.info(
        "envelope signer opened gateway={} site={} epoch={} streams={} chainMode={} store={}",
        keys.gateway(),
        keys.site(),
        epoch,
        positions.size(),
        mode,
        store);
    return new EnvelopeSignerImpl(keys, store, mode, epoch, positions);
  }

  @Override
  public long epoch() {
    return epoch;
  }

  @Override
  public Envelope sign(String device, List<EnvelopeSample> samples) throws EnvelopeException {
    return sign(device, samples, Optional.empty());
  }

  @Override
  public Envelope signDropNotice(String device, DroppedEnvelopes dropped) throws EnvelopeException {
    return sign(device, List.of(), Optional.of(dropped));
  }

  private Envelope sign(
      String device, List<EnvelopeSample> samples, Optional<DroppedEnvelopes> dropped)
      throws EnvelopeException {
    if (device == null || !DEVICE.matcher(device).matches()) {
      throw new IllegalArgumentException(
          "device id '" + device + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    List<EnvelopeSample> copy = List.copyOf(samples);
    DeviceStream stream = devices.computeIfAbsent(device, this::loadedStream);
    synchronized (stream) {
      Instant time = keys.clock().instant();
      SessionKey key = keys.current(time);
      long seq = stream.last == null ? 1 : stream.last.seq() + 1;
      StreamId id = new StreamId(keys.site(), keys.gateway(), device);
      EnvelopeFormat.Signed signed =
          EnvelopeFormat.sign(
              key,
              mode,
              new EnvelopeFormat.Payload(
                  id,
                  epoch,
                  seq,
                  stream.last == null ? null : stream.last.hash(),
                  time,
                  copy,
                  dropped));
      Position next = new Position(seq, signed.hash());
      // the number is used up even if it cannot be stored: reusing it could fork the stream
      stream.last = next;
      store.advance(device, next);
      return new Envelope(signed.bytes(), id, epoch, seq, signed.hash(), time);
    }
  }

  private DeviceStream loadedStream(String device) {
    return new DeviceStream(loaded.get(device));
  }
}
