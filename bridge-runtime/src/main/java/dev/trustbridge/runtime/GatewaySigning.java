package dev.trustbridge.runtime;

import dev.trustbridge.policy.signing.SigningEncoder;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.envelope.StreamStateStore;
import dev.trustbridge.trust.vault.Identity;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What signs the gateway's envelopes: session keys certified by the identity, and the encoder that
 * the outboxes use. Closed with the gateway.
 */
final class GatewaySigning implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewaySigning.class);
  private final SessionKeys keys;
  private final SigningEncoder encoder;

  private GatewaySigning(SessionKeys keys, SigningEncoder encoder) {
    this.keys = keys;
    this.encoder = encoder;
  }

  /**
   * Certifies the first session key and opens the signer on {@code store}, which keeps the stream
   * positions; {@code observe} wraps the signer, to count what it signs.
   */
  static GatewaySigning start(
      GatewayConfig config,
      Identity identity,
      StreamStateStore store,
      UnaryOperator<EnvelopeSigner> observe)
      throws EnvelopeException {
    SessionKeys keys =
        SessionKeys.start(identity, config.envelopes().sessionLifetime(), Clock.systemUTC());
    try {
      EnvelopeSigner signer =
          observe.apply(EnvelopeSigner.open(keys, store, config.envelopes().chainMode()));
      LOG.info(
          "envelope signing started epoch={} chains={} sessionLifetime={} state={}",
          signer.epoch(),
          config.envelopes().chainMode(),
          config.envelopes().sessionLifetime(),
          config.envelopes().stateDirectory());
      return new GatewaySigning(keys, new SigningEncoder(signer, config.deviceIds()));
    } catch (EnvelopeException | RuntimeException e) {
      keys.close();
      throw e;
    }
  }

  SigningEncoder encoder() {
    return encoder;
  }

  SessionKeys sessionKeys() {
    return keys;
  }

  @Override
  public void close() {
    keys.close();
  }
}
