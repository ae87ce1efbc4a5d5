package dev.trustbridge.trust.envelope;

import dev.trustbridge.trust.envelope.internal.EnvelopeSignerImpl;
import java.util.List;

/**
 * Signs the samples of a device into envelopes with the current session key: JWS flattened JSON
 * (RFC 7515 §7.2.2), {@code ES256}, protected header {@code typ} {@code tb-envelope+jws}, {@code
 * kid} and the chain per {@link ChainMode}. Each envelope gets the next sequence number of its
 * device and the hash of the device's previous envelope; that position is on stable storage before
 * the envelope is returned, so a crash never reuses a number.
 *
 * <p>Thread-safe: envelopes of one device are signed one at a time, different devices in parallel.
 */
public interface EnvelopeSigner {

  /**
   * Opens a signer: reads the state, increments the boot epoch and stores it.
   *
   * @param keys session keys from {@link SessionKeys#start}; they also give the clock
   * @param store the stream state of this gateway
   * @throws EnvelopeException {@code STATE_STORE} if the state cannot be read or written, or
   *     belongs to another gateway or site
   */
  static EnvelopeSigner open(SessionKeys keys, StreamStateStore store, ChainMode mode)
      throws EnvelopeException {
    return EnvelopeSignerImpl.open(keys, store, mode);
  }

  /** The boot epoch of this signer, written into every envelope it signs. */
  long epoch();

  /**
   * Signs one envelope.
   *
   * @param device the device id: letters, digits, {@code .}, {@code _}, {@code -}, at most 64
   * @throws EnvelopeException {@code NO_SESSION_KEY} if no valid session key is at hand, {@code
   *     STATE_STORE} if the new position cannot be stored; the sequence number is then used up and
   *     verifiers will see a gap of one
   * @throws IllegalArgumentException if the device id is not allowed
   */
  Envelope sign(String device, List<EnvelopeSample> samples) throws EnvelopeException;

  /**
   * Signs a drop notice: the next envelope of the device's stream, without samples, saying which
   * earlier envelopes of the stream were dropped before they left the gateway, and why.
   *
   * @throws EnvelopeException as {@link #sign}
   */
  Envelope signDropNotice(String device, DroppedEnvelopes dropped) throws EnvelopeException;
}
