package dev.trustbridge.runtime;

import dev.trustbridge.adapters.modbus.ModbusComponent;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.runtime.config.SecurityMode;
import dev.trustbridge.runtime.health.VaultHealthCheck;
import dev.trustbridge.runtime.observe.Observability;
import dev.trustbridge.runtime.outbox.DataKeyProtection;
import dev.trustbridge.runtime.outbox.DurableOutbox;
import dev.trustbridge.runtime.outbox.OutboxException;
import dev.trustbridge.runtime.outbox.OutboxStore;
import dev.trustbridge.trust.atrest.DataKey;
import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.Vaults;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the Camel application that executes the configured routes with the {@code
 * modbus:} and {@code mqtt:} components bound to the configured devices and uplinks, and the
 * gateway's identity key open in its vault for mutual TLS.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final String CERTS_TOPIC = "tb/v1/{site}/{gateway}/$certs";

  /** Where stream positions were kept before the outbox store held them. */
  private static final String EARLIER_STATE_FILE = "streams.json";

  private final GatewayConfig config;
  private final Vault vault;
  private final OutboxStore outboxStore;
  private final GatewaySigning signing;
  private final Observability observability;
  private final List<DurableOutbox> outboxes = new ArrayList<>();
  private final Main main;

  private Gateway(
      GatewayConfig config,
      Vault vault,
      Identity identity,
      OutboxStore outboxStore,
      GatewaySigning signing,
      Observability observability) {
    this.config = config;
    this.vault = vault;
    this.outboxStore = outboxStore;
    this.signing = signing;
    this.observability = observability;
    this.main = new Main();
    main.configure()
        .withName("trustbridge-" + config.gatewayId())
        .withRoutesIncludePattern(
            config.routeFiles().stream()
                .map(Path::toAbsolutePath)
                .map(path -> "file:" + path)
                .collect(Collectors.joining(",")))
        .withShutdownTimeout(10);
    ModbusComponent modbus = new ModbusComponent();
    modbus.setMaxSamplesPerBatch(config.envelopes().maxSamples());
    config.modbusDevices().forEach(modbus::addDevice);
    main.bind("modbus", modbus);
    MqttComponent mqtt = new MqttComponent();
    mqtt.setSiteId(config.site());
    mqtt.setGatewayId(config.gatewayId());
    mqtt.getConfiguration().setEncoder(signing.encoder());
    mqtt.setUplinks(
        config.uplinks().stream().map(uplink -> withIdentity(uplink, identity)).toList());
    for (UplinkSettings uplink : config.uplinks()) {
      DurableOutbox outbox = outboxStore.outbox(uplink.id(), config.outbox(), signing.encoder());
      outboxes.add(outbox);
      mqtt.setOutbox(uplink.id(), outbox);
    }
    main.bind("mqtt", mqtt);
    main.configure().health().withEnabled(true);
    main.bind(VaultHealthCheck.ID, new VaultHealthCheck(vault, identity));
    observability.install(
        main, config, vault, identity, outboxStore, signing.sessionKeys(), modbus, mqtt);
    if (config.envelopes().chainMode() == ChainMode.PUBLISHED) {
      main.addMainListener(
          new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
              publishChains(started.getCamelContext());
              signing.sessionKeys().onRotation(chain -> publishChains(started.getCamelContext()));
            }
          });
    }
  }

  /**
   * Publishes the session certificate chains retained on every uplink, so that verifiers can check
   * envelopes that carry only a thumbprint.
   */
  private void publishChains(CamelContext camel) {
    byte[] document = signing.sessionKeys().chainsDocument();
    for (UplinkSettings uplink : config.uplinks()) {
      camel
          .createProducerTemplate()
          .asyncSendBody("mqtt:" + uplink.id() + "?retain=true&topic=" + CERTS_TOPIC, document)
          .whenComplete(
              (result, error) -> {
                if (error != null) {
                  LOG.warn(
                      "session chains not published uplink={} error={}",
                      uplink.id(),
                      error.toString());
                }
              });
    }
  }

  private static UplinkSettings withIdentity(UplinkSettings uplink, Identity identity) {
    return uplink.tls()
        ? uplink.withClientKey(identity.keyManagerFactory(), identity.keyUri())
        : uplink;
  }

  /** Opens the vault, then starts the gateway; returns once every route runs. */
  public static Gateway start(GatewayConfig config) throws Exception {
    Gateway gateway = open(config);
    try {
      gateway.main.start();
    } catch (Exception e) {
      gateway.close();
      throw e;
    }
    return gateway;
  }

  /** Opens the vault and runs the gateway until the JVM is asked to stop (Ctrl-C, SIGTERM). */
  public static void run(GatewayConfig config) throws Exception {
    Gateway gateway = open(config);
    try {
      gateway.main.run();
    } finally {
      gateway.close();
    }
  }

  /**
   * Opens the identity key before anything connects, then the outbox store under its data key; a
   * vault that cannot be opened, a missing key or, in production, a key without a CA-issued
   * certificate stops the start.
   */
  private static Gateway open(GatewayConfig config)
      throws VaultException, EnvelopeException, OutboxException {
    Observability observability = Observability.create(config.observability());
    logStart(config);
    Vault vault = Vaults.open(config.identity().key().vault());
    config.identity().key().vault().clear();
    OutboxStore outboxStore = null;
    try {
      Identity identity = vault.identity(config.identity().key().alias());
      LOG.info(
          "gateway identity backend={} key={} fingerprint=sha256:{} exportable={} enrolled={}",
          vault.backend(),
          identity.keyUri(),
          identity.publicKeyFingerprint(),
          identity.isExportable(),
          identity.isEnrolled());
      if (!identity.isEnrolled()) {
        if (config.securityMode() == SecurityMode.PRODUCTION) {
          throw new VaultException(
              VaultException.Reason.CHAIN_REJECTED,
              "identity '"
                  + identity.alias()
                  + "' has no CA-issued certificate yet: run 'trustbridge keys csr' and"
                  + " 'trustbridge keys import'");
        }
        LOG.warn(
            "gateway identity is not enrolled: brokers will refuse its self-signed certificate");
      }
      Path state = config.envelopes().stateDirectory();
      DataKey dataKey =
          DataKeyProtection.open(config.outbox(), config.identity().key().vault(), vault, state);
      if (!dataKey.isHardwareProtected()) {
        LOG.warn(
            "outbox data key is protected by software only ({}): development only",
            dataKey.protection());
      }
      outboxStore = OutboxStore.open(state, dataKey, Clock.systemUTC());
      GatewaySigning signing =
          GatewaySigning.start(
              config,
              observability.timed(identity, vault),
              outboxStore.streamState(state.resolve(EARLIER_STATE_FILE)),
              observability::counted);
      return new Gateway(config, vault, identity, outboxStore, signing, observability);
    } catch (VaultException | EnvelopeException | OutboxException | RuntimeException e) {
      if (outboxStore != null) {
        outboxStore.close();
      }
      vault.close();
      observability.close();
      throw e;
    }
  }

  private static void logStart(GatewayConfig config) {
    LOG.info(
        "gateway starting site={} gateway={} securityMode={} devices={} uplinks={} routeFiles={}",
        config.site(),
        config.gatewayId(),
        config.securityMode().configName(),
        config.modbusDevices().size(),
        config.uplinks().size(),
        config.routeFiles().size());
    if (config.securityMode() == SecurityMode.DEVELOPMENT) {
      LOG.warn("security mode is development: plaintext and software keys are allowed");
    }
  }

  /** The Camel context, for tests and tooling. */
  public CamelContext camelContext() {
    return main.getCamelContext();
  }

  /** The outbox store, for tests and tooling. */
  public OutboxStore outboxStore() {
    return outboxStore;
  }

  @Override
  public void close() {
    outboxes.forEach(DurableOutbox::refuseWaiting);
    try {
      main.stop();
    } finally {
      signing.close();
      outboxStore.close();
      vault.close();
      observability.close();
    }
  }
}
