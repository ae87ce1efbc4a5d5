package dev.trustbridge.runtime.observe.internal;

import dev.trustbridge.adapters.modbus.PollListener;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.runtime.observe.WatchedCertificate;
import dev.trustbridge.runtime.outbox.OutboxException;
import dev.trustbridge.runtime.outbox.OutboxStatus;
import dev.trustbridge.runtime.outbox.OutboxStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The meters of the gateway's own parts: devices, uplinks, outboxes, certificates. */
public final class GatewayMeters {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayMeters.class);

  /** Buckets from a fast local read to a device at the end of its timeout. */
  private static final Duration[] POLL_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)
  };

  /** Buckets from a software key (well under a millisecond) to a slow TPM (hundreds of ms). */
  private static final Duration[] VAULT_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1)
  };

  /**
   * Scrapes come every few seconds at most; one store read serves all outbox gauges of one. Gauges
   * hold their state strongly (function counters cannot), else Micrometer's weak reference would
   * let it be collected.
   */
  private static final Duration STATUS_MAX_AGE = Duration.ofSeconds(1);

  private GatewayMeters() {}

  /** The timer of signatures computed by the vault, for {@link TimedIdentity}. */
  public static Timer vaultSignatures(MeterRegistry registry, String backend) {
    return Timer.builder("trustbridge.vault.operation")
        .description("Time the vault takes for one key operation, by backend and operation")
        .tag("backend", backend)
        .tag("operation", "sign")
        .serviceLevelObjectives(VAULT_BUCKETS)
        .register(registry);
  }

  /**
   * Registers the connection state of each device of a protocol without polls of its own (OPC UA
   * subscriptions) and returns the listener that feeds it.
   */
  public static BiConsumer<String, Boolean> connections(
      MeterRegistry registry, String protocol, Collection<String> deviceIds) {
    Map<String, AtomicInteger> connected = connectionGauges(registry, protocol, deviceIds);
    return (device, up) -> {
      AtomicInteger state = connected.get(device);
      if (state != null) {
        state.set(up ? 1 : 0);
      }
    };
  }

  private static Map<String, AtomicInteger> connectionGauges(
      MeterRegistry registry, String protocol, Collection<String> deviceIds) {
    Map<String, AtomicInteger> connected = new ConcurrentHashMap<>();
    for (String device : deviceIds) {
      AtomicInteger state = new AtomicInteger();
      connected.put(device, state);
      Gauge.builder("trustbridge.device.connected", state, AtomicInteger::get)
          .description("Whether the gateway's connection to the device is up (1) or not (0)")
          .strongReference(true)
          .tag("device", device)
          .tag("protocol", protocol)
          .register(registry);
    }
    return connected;
  }

  /**
   * Registers the connection state and poll latency of each device and returns the listener that
   * feeds them.
   */
  public static PollListener devices(
      MeterRegistry registry, String protocol, Collection<String> deviceIds) {
    Map<String, AtomicInteger> connected = connectionGauges(registry, protocol, deviceIds);
    Map<String, Timer> polls = new ConcurrentHashMap<>();
    for (String device : deviceIds) {
      polls.put(
          device,
          Timer.builder("trustbridge.device.poll")
              .description("Duration of poll cycles that reached the device")
              .tag("device", device)
              .tag("protocol", protocol)
              .serviceLevelObjectives(POLL_BUCKETS)
              .register(registry));
    }
    return (device, up, duration) -> {
      AtomicInteger state = connected.get(device);
      if (state != null) {
        state.set(up ? 1 : 0);
        if (up) {
          polls.get(device).record(duration);
        }
      }
    };
  }

  /** Registers the connection state and reconnects of each uplink. */
  public static void uplinks(MeterRegistry registry, MqttComponent mqtt, List<String> uplinkIds) {
    for (String uplink : uplinkIds) {
      Gauge.builder("trustbridge.uplink.connected", mqtt, m -> m.isUplinkConnected(uplink) ? 1 : 0)
          .description("Whether the uplink's MQTT connection is up (1) or not (0)")
          .strongReference(true)
          .tag("uplink", uplink)
          .register(registry);
      FunctionCounter.builder(
              "trustbridge.uplink.reconnects", mqtt, m -> m.getUplinkReconnects(uplink))
          .description("Times the uplink's connection was re-established after a loss")
          .tag("uplink", uplink)
          .register(registry);
    }
  }

  /** Registers the seconds until each certificate expires; negative once it has. */
  public static void certificates(
      MeterRegistry registry, List<WatchedCertificate> certificates, Clock clock) {
    for (WatchedCertificate certificate : certificates) {
      Gauge.builder(
              "trustbridge.certificate.expiry",
              certificate,
              c -> Duration.between(clock.instant(), c.notAfter().get()).toMillis() / 1000.0)
          .description("Seconds until the certificate expires; negative once it has")
          .strongReference(true)
          .baseUnit("seconds")
          .tag("certificate", certificate.name())
          .register(registry);
    }
  }

  /**
   * Registers what each uplink's outbox holds and has done, read from the store at most once a
   * second.
   */
  public static void outboxes(
      MeterRegistry registry, OutboxStore store, List<String> uplinkIds, Clock clock) {
    OutboxSnapshot snapshot = new OutboxSnapshot(store, clock, registry);
    for (String uplink : uplinkIds) {
      Gauge.builder("trustbridge.outbox.depth", snapshot, s -> s.of(uplink).depth())
          .description("Envelopes in the outbox waiting for the broker's PUBACK")
          .strongReference(true)
          .tag("uplink", uplink)
          .register(registry);
      Gauge.builder("trustbridge.outbox", snapshot, s -> s.of(uplink).bytes())
          .description("Bytes the waiting envelopes take in the store, encrypted")
          .strongReference(true)
          .baseUnit("bytes")
          .tag("uplink", uplink)
          .register(registry);
      Gauge.builder(
              "trustbridge.outbox.oldest.age",
              snapshot,
              s -> s.of(uplink).oldestAge().map(Duration::toMillis).orElse(0L) / 1000.0)
          .description("Seconds the oldest waiting envelope has waited; 0 when none waits")
          .strongReference(true)
          .baseUnit("seconds")
          .tag("uplink", uplink)
          .register(registry);
      FunctionCounter.builder(
              "trustbridge.outbox.delivered", snapshot, s -> s.of(uplink).delivered())
          .description("Envelopes acknowledged by the broker and deleted from the outbox")
          .tag("uplink", uplink)
          .register(registry);
      FunctionCounter.builder(
              "trustbridge.outbox.tamper.rejected", snapshot, s -> s.of(uplink).tamperRejected())
          .description("Stored envelopes that failed authentication and were quarantined")
          .tag("uplink", uplink)
          .register(registry);
      for (String reason : OutboxSnapshot.KNOWN_REASONS) {
        snapshot.dropCounter(uplink, reason);
      }
    }
  }

  private static final class OutboxSnapshot {

    static final Set<String> KNOWN_REASONS = Set.of("full", "expired");

    private final OutboxStore store;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Set<String> registeredDrops = ConcurrentHashMap.newKeySet();
    private Map<String, OutboxStatus> statuses = Map.of();
    private Instant readAt = Instant.MIN;

    OutboxSnapshot(OutboxStore store, Clock clock, MeterRegistry registry) {
      this.store = store;
      this.clock = clock;
      this.registry = registry;
    }

    synchronized OutboxStatus of(String uplink) {
      Instant now = clock.instant();
      if (Duration.between(readAt, now).compareTo(STATUS_MAX_AGE) > 0) {
        readAt = now;
        try {
          Map<String, OutboxStatus> read = new ConcurrentHashMap<>();
          for (OutboxStatus status : store.status()) {
            read.put(status.uplink(), status);
            status.dropped().keySet().forEach(reason -> dropCounter(status.uplink(), reason));
          }
          statuses = read;
        } catch (OutboxException e) {
          LOG.warn("outbox metrics not read error={}", e.getMessage());
        }
      }
      OutboxStatus status = statuses.get(uplink);
      return status != null
          ? status
          : new OutboxStatus(uplink, 0, 0, Optional.empty(), 0, Map.of(), 0);
    }

    void dropCounter(String uplink, String reason) {
      if (registeredDrops.add(uplink + "\n" + reason)) {
        FunctionCounter.builder(
                "trustbridge.outbox.dropped",
                this,
                s -> s.of(uplink).dropped().getOrDefault(reason, 0L))
            .description("Envelopes dropped before delivery, by reason")
            .tag("uplink", uplink)
            .tag("reason", reason)
            .register(registry);
      }
    }
  }
}
