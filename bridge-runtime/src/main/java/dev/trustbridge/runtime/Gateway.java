package dev.trustbridge.runtime;

import dev.trustbridge.adapters.modbus.ModbusComponent;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.adapters.opcua.OpcUaComponent;
import dev.trustbridge.policy.command.CommandAudit;
import dev.trustbridge.policy.rules.DecisionCount;
import dev.trustbridge.policy.rules.Policy;
import dev.trustbridge.policy.rules.PolicyEnforcer;
import dev.trustbridge.runtime.attest.GatewayAttestation;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.runtime.config.SecurityMode;
import dev.trustbridge.runtime.health.VaultHealthCheck;
import dev.trustbridge.runtime.observe.Observability;
import dev.trustbridge.runtime.observe.TrustState;
import dev.trustbridge.runtime.outbox.DataKeyProtection;
import dev.trustbridge.runtime.outbox.DurableOutbox;
import dev.trustbridge.runtime.outbox.OutboxException;
import dev.trustbridge.runtime.outbox.OutboxStore;
import dev.trustbridge.trust.atrest.DataKey;
import dev.trustbridge.trust.attest.TpmPlatform;
import dev.trustbridge.trust.audit.AuditLog;
import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.Vaults;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the Camel application that executes the configured routes with the {@code
 * modbus:}, {@code opcua:} and {@code mqtt:} components bound to the configured devices and
 * uplinks, and the gateway's identity key open in its vault for mutual TLS. Its policy filters
 * every sample the uplinks publish, and decides the signed commands that arrive on them.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final String CERTS_TOPIC = "tb/v1/{site}/{gateway}/$certs";
  private static final String ATTESTATION_TOPIC = "tb/v1/{site}/{gateway}/$attestation";
  private static final Duration ATTESTATION_PUBLISH_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_NONCE_BYTES = 64;
  private static final String AUDIT_TOPIC = "tb/v1/{site}/{gateway}/$audit";
  private static final int AUDIT_CHECKPOINT_EVERY = 100;
  private static final Duration AUDIT_CHECKPOINT_INTERVAL = Duration.ofMinutes(1);
  private static final long AUDIT_ROTATE_BYTES = 16L << 20;

  /** Where stream positions were kept before the outbox store held them. */
  private static final String EARLIER_STATE_FILE = "streams.json";

  private final GatewayConfig config;
  private final Vault vault;
  private final OutboxStore outboxStore;
  private final GatewaySigning signing;
  private final Observability observability;
  private final List<DurableOutbox> outboxes = new ArrayList<>();
  private final Main main;
  private final MqttComponent mqtt;
  private final PolicyEnforcer policy;
  private final Optional<GatewayCommands> commands;
  private volatile boolean quarantined;
  private final TrustState trustState;
  private final AuditLog audit;
  private static final Duration REFUSAL_AUDIT_INTERVAL = Duration.ofMinutes(1);
  private final Map<String, java.util.concurrent.atomic.AtomicLong> refusals =
      new ConcurrentHashMap<>();
  private final Map<String, Instant> refusalsAudited = new ConcurrentHashMap<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final GatewayAttestation attestation;
  private final ScheduledExecutorService monitor =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "trustbridge-attestation");
            thread.setDaemon(true);
            return thread;
          });

  private Gateway(
      GatewayConfig config,
      Vault vault,
      Identity identity,
      DataKey dataKey,
      OutboxStore outboxStore,
      GatewaySigning signing,
      Observability observability)
      throws IOException, VaultException {
    this.config = config;
    this.vault = vault;
    this.outboxStore = outboxStore;
    this.signing = signing;
    this.audit =
        AuditLog.open(
            config.envelopes().stateDirectory().resolve("audit"),
            signing.sessionKeys(),
            Clock.systemUTC(),
            AUDIT_CHECKPOINT_EVERY,
            AUDIT_CHECKPOINT_INTERVAL,
            AUDIT_ROTATE_BYTES,
            this::publishCheckpoint);
    audit.record(
        "start",
        Map.of(
            "securityMode",
            config.securityMode().configName(),
            "configVersion",
            config.configVersion().isPresent()
                ? Long.toString(config.configVersion().getAsLong())
                : "unsigned"));
    signing
        .sessionKeys()
        .onRotation(
            chain ->
                audit.record(
                    "session-key",
                    Map.of(
                        "serial", chain.get(0).getSerialNumber().toString(16),
                        "notAfter", chain.get(0).getNotAfter().toInstant().toString())));
    // measured before any route is loaded, let alone started
    this.attestation =
        GatewayAttestation.start(
            config,
            signing.sessionKeys(),
            config.identity().key().vault().isTpm(),
            Clock.systemUTC(),
            this::drifted);
    audit.record(
        "measured-start",
        Map.of(
            "level", attestation.level().name().toLowerCase(Locale.ROOT),
            "pcr", Integer.toString(config.attestation().pcr())));
    outboxStore.setAuditor(audit::record);
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
    OpcUaComponent opcua = GatewayOpcUa.component(config, dataKey);
    main.bind("opcua", opcua);
    mqtt = new MqttComponent();
    mqtt.setSiteId(config.site());
    mqtt.setGatewayId(config.gatewayId());
    mqtt.getConfiguration().setEncoder(signing.encoder());
    policy = new PolicyEnforcer(config.policy().orElse(Policy.none()), Clock.systemUTC());
    trustState = observability.trustState(config.attestation().interval());
    policy.setDecisionListener(this::decided);
    if (config.policy().isPresent()) {
      mqtt.setSampleBatchFilter(policy);
      LOG.info(
          "policy enforced rules={} telemetryDefault={}",
          config.policy().get().size(),
          config.policy().get().telemetryAllowedByDefault() ? "allow" : "deny");
    } else {
      LOG.warn("no policy configured: every sample leaves and no command is permitted");
    }
    commands =
        config.commands().isEmpty()
            ? Optional.empty()
            : Optional.of(
                GatewayCommands.open(
                    config,
                    config.commands().get(),
                    policy,
                    List.of(modbus.writer(), opcua.writer()),
                    () -> quarantined,
                    trustState.counting(auditing(CommandAudit.toLog())),
                    signing.sessionKeys(),
                    mqtt));
    commands.ifPresent(c -> main.configure().addRoutesBuilder(c.routes(config.uplinks())));
    main.configure().addRoutesBuilder(challengeRoutes());
    // Main.run() tells its listeners once every route runs; start() does not, and calls it itself
    main.addMainListener(
        new MainListenerSupport() {
          @Override
          public void afterStart(BaseMainSupport started) {
            started();
          }
        });
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
        main, config, vault, identity, outboxStore, signing.sessionKeys(), modbus, opcua, mqtt);
  }

  /** Once every route runs: publishes chains and evidence, and starts monitoring integrity. */
  private void started() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    if (config.envelopes().chainMode() == ChainMode.PUBLISHED) {
      publishChains();
      signing.sessionKeys().onRotation(chain -> publishChains());
    }
    publishAttestation(Optional.empty());
    long interval = config.attestation().interval().toMillis();
    monitor.scheduleWithFixedDelay(
        this::monitorIntegrity, interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * Publishes the session certificate chains retained on every uplink, so that verifiers can check
   * envelopes that carry only a thumbprint.
   */
  private void publishChains() {
    byte[] document = signing.sessionKeys().chainsDocument();
    for (UplinkSettings uplink : config.uplinks()) {
      mqtt.publish(uplink.id(), CERTS_TOPIC, document, true, Duration.ofSeconds(10))
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

  /**
   * Counts every policy decision; audits telemetry refusals at most once a minute per rule and
   * result, with how many there were, since they can come at polling rate (command decisions are
   * audited one by one, see {@link #auditing}).
   */
  private void decided(String direction, String rule, String result, long decisions) {
    trustState.decided(direction, rule, result, decisions);
    if (!PolicyEnforcer.TELEMETRY.equals(direction) || "allowed".equals(result)) {
      return;
    }
    String key = rule + "/" + result;
    long count = refusals.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(decisions);
    Instant now = Instant.now();
    Instant last = refusalsAudited.get(key);
    if (last == null || Duration.between(last, now).compareTo(REFUSAL_AUDIT_INTERVAL) >= 0) {
      refusalsAudited.put(key, now);
      refusals.get(key).addAndGet(-count);
      try {
        audit.record(
            "policy-refusal",
            Map.of("rule", rule, "result", result, "count", Long.toString(count)));
      } catch (RuntimeException e) {
        LOG.error("policy refusal not audited error=\"{}\"", e.getMessage());
      }
    }
  }

  /** Records each command decision in the audit log too, then passes it on. */
  private CommandAudit auditing(CommandAudit next) {
    return outcome -> {
      Map<String, String> fields = new TreeMap<>();
      fields.put("device", outcome.device());
      fields.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
      fields.put("reason", outcome.reason());
      outcome.id().ifPresent(id -> fields.put("id", id));
      outcome.tag().ifPresent(tag -> fields.put("tag", tag));
      outcome.signer().ifPresent(signer -> fields.put("signer", signer));
      outcome.rule().ifPresent(rule -> fields.put("rule", rule));
      try {
        audit.record("command", fields);
      } catch (RuntimeException e) {
        LOG.error("command decision not audited error=\"{}\"", e.getMessage());
      }
      next.record(outcome);
    };
  }

  /** Publishes an audit checkpoint retained on every uplink, once they run. */
  private void publishCheckpoint(byte[] statement) {
    if (!started.get()) {
      return;
    }
    for (UplinkSettings uplink : config.uplinks()) {
      try {
        mqtt.publish(uplink.id(), AUDIT_TOPIC, statement, true, ATTESTATION_PUBLISH_TIMEOUT)
            .whenComplete(
                (result, error) -> {
                  if (error != null) {
                    LOG.warn(
                        "audit checkpoint not published uplink={} error={}",
                        uplink.id(),
                        error.toString());
                  }
                });
      } catch (RuntimeException e) {
        // the uplink has stopped: the checkpoint stays in the log, the next start publishes anew
        LOG.info("audit checkpoint kept, uplink stopped uplink={}", uplink.id());
      }
    }
  }

  /** Measures again, then publishes fresh evidence; a drift has been handled by then. */
  private void monitorIntegrity() {
    audit.checkpointIfPending();
    try {
      attestation.measureAgain();
    } catch (VaultException | RuntimeException e) {
      LOG.error("integrity measurement failed error=\"{}\"", e.getMessage());
    }
    publishAttestation(Optional.empty());
  }

  /** Quarantine: no command is executed any more; telemetry stops too if so configured. */
  private void drifted(List<String> components) {
    trustState.drifted(components);
    audit.record("drift", Map.of("components", String.join(",", components)));
    setQuarantined(true);
    LOG.error(
        "gateway quarantined: its measured state differs from the attested start components={}",
        components);
    if (config.attestation().stopTelemetryOnDrift()) {
      CamelContext camel = main.getCamelContext();
      camel.getRoutes().stream()
          .map(route -> route.getRouteId())
          .filter(
              id -> !id.startsWith(GatewayCommands.ROUTE_PREFIX) && !id.startsWith(CHALLENGE_ROUTE))
          .forEach(
              id -> {
                try {
                  camel.getRouteController().stopRoute(id);
                  LOG.warn("telemetry route stopped on integrity drift route={}", id);
                } catch (Exception e) {
                  LOG.error("route not stopped route={} error=\"{}\"", id, e.getMessage());
                }
              });
    }
  }

  private static final String CHALLENGE_ROUTE = "attestation-challenge-";

  /** A route per uplink that answers a nonce on {@code $attestation/challenge} with evidence. */
  private RouteBuilder challengeRoutes() {
    return new RouteBuilder() {
      @Override
      public void configure() {
        for (UplinkSettings uplink : config.uplinks()) {
          from("mqtt:" + uplink.id() + "?topic=RAW(" + ATTESTATION_TOPIC + "/challenge)")
              .routeId(CHALLENGE_ROUTE + uplink.id())
              .process(
                  exchange -> {
                    byte[] nonce = exchange.getMessage().getBody(byte[].class);
                    if (nonce == null || nonce.length == 0 || nonce.length > MAX_NONCE_BYTES) {
                      LOG.warn(
                          "attestation challenge ignored uplink={} reason=\"nonce of {} bytes, not"
                              + " 1..{}\"",
                          uplink.id(),
                          nonce == null ? 0 : nonce.length,
                          MAX_NONCE_BYTES);
                      return;
                    }
                    publishAttestation(Optional.of(nonce));
                  });
        }
      }
    };
  }

  /** Publishes evidence retained on every uplink, answering a challenge or the current time. */
  private void publishAttestation(Optional<byte[]> challenge) {
    Instant time = Instant.now();
    byte[] evidence;
    try {
      evidence = attestation.evidence(challenge.orElse(GatewayAttestation.timeNonce(time)), time);
    } catch (VaultException | EnvelopeException | RuntimeException e) {
      LOG.error("attestation evidence not made error=\"{}\"", e.getMessage());
      trustState.attested(false);
      return;
    }
    audit.record(
        "attestation",
        Map.of(
            "level", attestation.level().name().toLowerCase(Locale.ROOT),
            "challenge", Boolean.toString(challenge.isPresent()),
            "drifted", Boolean.toString(attestation.hasDrifted())));
    for (UplinkSettings uplink : config.uplinks()) {
      mqtt.publish(uplink.id(), ATTESTATION_TOPIC, evidence, true, ATTESTATION_PUBLISH_TIMEOUT)
          .whenComplete(
              (result, error) -> {
                trustState.attested(error == null);
                if (error != null) {
                  LOG.warn(
                      "attestation not published uplink={} error={}",
                      uplink.id(),
                      error.toString());
                } else {
                  LOG.info(
                      "attestation published uplink={} level={} challenge={} drifted={}",
                      uplink.id(),
                      attestation.level(),
                      challenge.isPresent(),
                      attestation.hasDrifted());
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
      gateway.started();
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
      throws VaultException, EnvelopeException, OutboxException, IOException {
    Observability observability = Observability.create(config.observability());
    logStart(config);
    if (config.configVersion().isPresent()) {
      Path state = config.envelopes().stateDirectory();
      if (config.identity().key().vault().isTpm()) {
        try (TpmPlatform tpm =
            TpmPlatform.open(config.attestation().tcti(), state.resolve("tpm-work"))) {
          ConfigVersions.accept(state, config.configVersion().getAsLong(), Optional.of(tpm));
        }
      } else {
        ConfigVersions.accept(state, config.configVersion().getAsLong(), Optional.empty());
      }
      LOG.info("signed configuration accepted version={}", config.configVersion().getAsLong());
    }
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
      try {
        return new Gateway(config, vault, identity, dataKey, outboxStore, signing, observability);
      } catch (IOException | VaultException | RuntimeException e) {
        signing.close();
        throw e;
      }
    } catch (VaultException
        | EnvelopeException
        | OutboxException
        | IOException
        | RuntimeException e) {
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
        config.deviceIds().size(),
        config.uplinks().size(),
        config.routeFiles().size());
    if (config.securityMode() == SecurityMode.DEVELOPMENT) {
      LOG.warn(
          "security mode is development: plaintext, software keys, OPC UA security None and trust"
              + " on first use are allowed");
    }
  }

  /** Every policy decision since start, by direction, rule and result. */
  public List<DecisionCount> policyDecisions() {
    return policy.decisionCounts();
  }

  /**
   * Quarantines the gateway or lifts it: while quarantined, every command is refused. Attestation
   * sets it when the measured state drifts.
   */
  public void setQuarantined(boolean quarantined) {
    audit.record("quarantine", Map.of("active", Boolean.toString(quarantined)));
    trustState.quarantined(quarantined);
    this.quarantined = quarantined;
    LOG.warn("gateway quarantine={}", quarantined);
  }

  /** The Camel context, for tests and tooling. */
  public CamelContext camelContext() {
    return main.getCamelContext();
  }

  /** The outbox store, for tests and tooling. */
  public OutboxStore outboxStore() {
    return outboxStore;
  }

  /** The attestation of this gateway, for tests and tooling. */
  public GatewayAttestation attestation() {
    return attestation;
  }

  /** Whether commands are refused because the gateway is quarantined. */
  public boolean isQuarantined() {
    return quarantined;
  }

  @Override
  public void close() {
    outboxes.forEach(DurableOutbox::refuseWaiting);
    monitor.shutdownNow();
    try {
      main.stop();
    } finally {
      attestation.close();
      audit.close();
      commands.ifPresent(GatewayCommands::close);
      signing.close();
      outboxStore.close();
      vault.close();
      observability.close();
    }
  }
}
