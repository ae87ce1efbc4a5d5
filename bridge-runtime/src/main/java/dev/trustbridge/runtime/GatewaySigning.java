package dev.trustbridge.runtime;

import dev.trustbridge.policy.signing.SigningEncoder;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.envelope.StreamStateStore;
import dev.trustbridge.trust.vault.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What signs the gateway's envelopes: session keys certified by the identity, the durable stream
 * state, and the encoder that the uplinks use. Closed with the gateway.
 */
final class GatewaySigning implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewaySigning.class);
  private static final String STATE_FILE = "streams.json";

  private final SessionKeys keys;
  private final StreamStateStore store;
  private final SigningEncoder encoder;

  private GatewaySigning(SessionKeys keys, StreamStateStore store, SigningEncoder encoder) {
    this.keys = keys;
    this.store = store;
    this.encoder = encoder;
  }

  static GatewaySigning start(GatewayConfig config, Identity identity)
      throws EnvelopeException, IOException {
    Files.createDirectories(config.envelopes().stateDirectory());
    SessionKeys keys =
        SessionKeys.start(identity, config.envelopes().sessionLifetime(), Clock.systemUTC());
    StreamStateStore store = null;
    try {
      store = StreamStateStore.file(config.envelopes().stateDirectory().resolve(STATE_FILE));
      EnvelopeSigner signer = EnvelopeSigner.open(keys, store, config.envelopes().chainMode());
      LOG.info(
          "envelope signing started epoch={} chains={} sessionLifetime={} state={}",
          signer.epoch(),
          config.envelopes().chainMode(),
          config.envelopes().sessionLifetime(),
          config.envelopes().stateDirectory());
      return new GatewaySigning(keys, store, new SigningEncoder(signer, config.deviceIds()));
    } catch (EnvelopeException | RuntimeException e) {
      keys.close();
      if (store != null) {
        store.close();
      }
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
    store.close();
  }
}
