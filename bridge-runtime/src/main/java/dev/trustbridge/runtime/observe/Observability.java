package dev.trustbridge.runtime.observe;

import dev.trustbridge.adapters.modbus.ModbusComponent;
import dev.trustbridge.adapters.modbus.ModbusDevice;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.adapters.opcua.OpcUaComponent;
import dev.trustbridge.adapters.opcua.OpcUaDevice;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.runtime.config.ObservabilitySettings;
import dev.trustbridge.runtime.config.ObservabilitySettings.CamelMBeans;
import dev.trustbridge.runtime.health.CertificateHealthCheck;
import dev.trustbridge.runtime.health.TrustStateHealthCheck;
import dev.trustbridge.runtime.health.UplinkHealthCheck;
import dev.trustbridge.runtime.observe.internal.CountingEnvelopeSigner;
import dev.trustbridge.runtime.observe.internal.GatewayMeters;
import dev.trustbridge.runtime.observe.internal.LogFormats;
import dev.trustbridge.runtime.observe.internal.ManagementBeans;
import dev.trustbridge.runtime.observe.internal.TimedIdentity;
import dev.trustbridge.runtime.outbox.OutboxStore;
import dev.trustbridge.trust.envelope.EnvelopeSigner;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.ManagementMBeansLevel;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes a gateway observable: its {@link TrustBridgeMetrics}, the health checks of its trust
 * state, its MBeans and its log format, wired into Camel Main so that {@code /observe/metrics} and
 * {@code /observe/health} serve them. Closed with the gateway.
 */
public final class Observability implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Observability.class);

  private final ObservabilitySettings settings;
  private final TrustBridgeMetrics metrics = new TrustBridgeMetrics();
  private Optional<ManagementBeans> beans = Optional.empty();
  private TrustState trustState;

  private Observability(ObservabilitySettings settings) {
    this.settings = settings;
  }

  /** Starts observing with these settings; switches the log format at once. */
  public static Observability create(ObservabilitySettings settings) {
    LogFormats.apply(settings.logFormat());
    return new Observability(settings);
  }

  /** The gateway's meters. */
  public TrustBridgeMetrics metrics() {
    return metrics;
  }

  /**
   * The meters and readiness of the gateway's trust decisions, made on first call; evidence older
   * than twice the attestation interval and a minute makes the gateway not ready.
   */
  public synchronized TrustState trustState(Duration attestationInterval) {
    if (trustState == null) {
      trustState =
          new TrustState(
              metrics.registry(),
              Clock.systemUTC(),
              attestationInterval.multipliedBy(2).plusMinutes(1));
    }
    return trustState;
  }

  /** The identity, with each signature of its vault timed. */
  public Identity timed(Identity identity, Vault vault) {
    return new TimedIdentity(
        identity, GatewayMeters.vaultSignatures(metrics.registry(), vault.backend()));
  }

  /** The signer, with the samples and envelopes it signs counted. */
  public EnvelopeSigner counted(EnvelopeSigner signer) {
    return new CountingEnvelopeSigner(signer, metrics.registry());
  }

  /**
   * Registers meters, health checks and MBeans of the gateway's parts and configures Camel Main to
   * serve them; call before {@code main} starts.
   */
  public void install(
      Main main,
      GatewayConfig config,
      Vault vault,
      Identity identity,
      OutboxStore outboxStore,
      SessionKeys sessionKeys,
      ModbusComponent modbus,
      OpcUaComponent opcua,
      MqttComponent mqtt) {
    Clock clock = Clock.systemUTC();
    List<String> uplinks = config.uplinks().stream().map(UplinkSettings::id).toList();
    List<String> devices = config.modbusDevices().stream().map(ModbusDevice::id).toList();
    List<WatchedCertificate> certificates = new ArrayList<>();
    certificates.add(WatchedCertificate.identity(identity));
    certificates.add(WatchedCertificate.session(sessionKeys));
    if (opcua.getApplicationIdentity() != null) {
      certificates.add(
          WatchedCertificate.opcuaClient(opcua.getApplicationIdentity().certificate()));
    }
    for (UplinkSettings uplink : config.uplinks()) {
      uplink
          .caCertificateFile()
          .ifPresent(file -> certificates.add(WatchedCertificate.brokerCa(uplink.id(), file)));
    }

    var registry = metrics.registry();
    modbus.setPollListener(GatewayMeters.devices(registry, "modbus", devices));
    opcua.setStateListener(
        GatewayMeters.connections(
            registry, "opcua", config.opcuaDevices().stream().map(OpcUaDevice::id).toList()));
    GatewayMeters.uplinks(registry, mqtt, uplinks);
    GatewayMeters.outboxes(registry, outboxStore, uplinks, clock);
    GatewayMeters.certificates(registry, certificates, clock);
    metrics.info(
        "trustbridge_vault",
        "The vault that holds the identity key",
        Map.of("backend", vault.backend(), "hardware", String.valueOf(vault.isHardware())));
    Counter rotations =
        Counter.builder("trustbridge.session.key.rotations")
            .description("Session keys certified by the identity after the first")
            .register(registry);
    sessionKeys.onRotation(chain -> rotations.increment());

    main.bind(TrustBridgeMetrics.BINDING, metrics);
    main.bind(TrustBridgeMetrics.camelBinding(), metrics.prometheusRegistry());
    main.bind(
        CertificateHealthCheck.ID,
        new CertificateHealthCheck(certificates, settings.certificateMinValidity(), clock));
    main.bind(
        UplinkHealthCheck.ID, new UplinkHealthCheck(mqtt, outboxStore, config.outbox().maxBytes()));
    main.bind(
        TrustStateHealthCheck.ID,
        new TrustStateHealthCheck(trustState(config.attestation().interval())));
    main.configure()
        .metrics()
        .withEnabled(true)
        .withEnableRoutePolicy(true)
        .withTextFormatVersion("0.0.4")
        .withBinders("jvm-memory,jvm-gc,jvm-thread,processor,uptime");
    main.configure()
        .httpManagementServer()
        .withEnabled(settings.http())
        .withHost(settings.host())
        .withPort(settings.port())
        .withMetricsEnabled(true)
        .withHealthCheckEnabled(true)
        .withInfoEnabled(false)
        .withDevConsoleEnabled(false);
    main.configure()
        .withJmxEnabled(settings.jmx())
        .withJmxManagementMBeansLevel(camelMBeansLevel(settings.camelMBeans()));
    if (settings.jmx()) {
      beans =
          Optional.of(
              new ManagementBeans(registry, devices, uplinks, vault, sessionKeys, certificates));
    }
    LOG.info(
        "observability http={} address={}:{} jmx={} logFormat={} certificateMinValidity={}",
        settings.http(),
        settings.host(),
        settings.port(),
        settings.jmx(),
        settings.logFormat().configName(),
        settings.certificateMinValidity());
  }

  /**
   * Camel's level of MBeans for the setting: never one per processor, which with them cost a route
   * about 150 KB of heap.
   */
  public static ManagementMBeansLevel camelMBeansLevel(CamelMBeans camelMBeans) {
    return camelMBeans == CamelMBeans.CONTEXT
        ? ManagementMBeansLevel.ContextOnly
        : ManagementMBeansLevel.RoutesOnly;
  }

  @Override
  public void close() {
    beans.ifPresent(ManagementBeans::close);
    metrics.registry().close();
  }
}
