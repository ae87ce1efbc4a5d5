package dev.trustbridge.runtime.observe.internal;

import dev.trustbridge.runtime.observe.WatchedCertificate;
import dev.trustbridge.trust.envelope.SessionKeys;
import dev.trustbridge.trust.vault.Vault;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.lang.management.ManagementFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TrustBridge's MBeans under {@code dev.trustbridge}: one per device, one per uplink with its
 * outbox, and one for trust. Their attributes read the same meters that {@code /observe/metrics}
 * serves, so that JMX and Prometheus never disagree.
 */
public final class ManagementBeans implements AutoCloseable {

  /** The JMX domain of TrustBridge's MBeans. */
  public static final String DOMAIN = "dev.trustbridge";

  private static final Logger LOG = LoggerFactory.getLogger(ManagementBeans.class);
  private static final Duration ROTATION_TIMEOUT = Duration.ofSeconds(30);

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  private final List<ObjectName> registered = new ArrayList<>();

  /** A registered device, as JMX shows it. */
  public interface DeviceMXBean {
    /** Whether the gateway's connection to the device is up. */
    boolean isConnected();

    /** Poll cycles that reached the device. */
    long getPolls();

    /** The mean duration of those cycles, in milliseconds. */
    double getMeanPollMillis();
  }

  /** An uplink and its outbox, as JMX shows them. */
  public interface UplinkMXBean {
    /** Whether the MQTT connection is up. */
    boolean isConnected();

    /** Re-established connections since start. */
    long getReconnects();

    /** Envelopes waiting for their PUBACK. */
    long getOutboxDepth();

    /** Bytes they take in the store. */
    long getOutboxBytes();

    /** Seconds the oldest has waited. */
    double getOutboxOldestAgeSeconds();

    /** Envelopes delivered since the store was created. */
    long getDelivered();

    /** Envelopes dropped, by reason. */
    Map<String, Long> getDropped();

    /** Stored records that failed authentication. */
    long getTamperRejected();
  }

  /** The gateway's trust state, as JMX shows it. */
  public interface TrustMXBean {
    /** The vault backend: {@code pkcs11} or {@code software}. */
    String getVaultBackend();

    /** Whether the identity key is in hardware. */
    boolean isVaultHardware();

    /** Seconds until each watched certificate expires, by certificate. */
    Map<String, Long> getCertificateExpirySeconds();

    /** The serial number of the session certificate that signs now, hex. */
    String getSessionCertificateSerial();

    /**
     * Certifies a new session key now and returns its certificate's serial number once it signs;
     * the old key stays in use when this fails.
     */
    String rotateSessionKey() throws Exception;
  }

  /**
   * Registers the beans; a bean of an earlier gateway in this JVM under the same name is replaced.
   */
  public ManagementBeans(
      MeterRegistry meters,
      List<String> devices,
      List<String> uplinks,
      Vault vault,
      SessionKeys sessionKeys,
      List<WatchedCertificate> certificates) {
    for (String device : devices) {
      register(
          "type=Device,name=" + ObjectName.quote(device),
          new DeviceMXBean() {
            @Override
            public boolean isConnected() {
              return value(meters.find("trustbridge.device.connected").tag("device", device)) > 0;
            }

            @Override
            public long getPolls() {
              var timer = meters.find("trustbridge.device.poll").tag("device", device).timer();
              return timer == null ? 0 : timer.count();
            }

            @Override
            public double getMeanPollMillis() {
              var timer = meters.find("trustbridge.device.poll").tag("device", device).timer();
              return timer == null ? 0 : timer.mean(TimeUnit.MILLISECONDS);
            }
          },
          DeviceMXBean.class);
    }
    for (String uplink : uplinks) {
      register(
          "type=Uplink,name=" + ObjectName.quote(uplink),
          new UplinkMXBean() {
            private double of(String name) {
              return value(meters.find(name).tag("uplink", uplink));
            }

            @Override
            public boolean isConnected() {
              return of("trustbridge.uplink.connected") > 0;
            }

            @Override
            public long getReconnects() {
              return (long) of("trustbridge.uplink.reconnects");
            }

            @Override
            public long getOutboxDepth() {
              return (long) of("trustbridge.outbox.depth");
            }

            @Override
            public long getOutboxBytes() {
              return (long) of("trustbridge.outbox");
            }

            @Override
            public double getOutboxOldestAgeSeconds() {
              return of("trustbridge.outbox.oldest.age");
            }

            @Override
            public long getDelivered() {
              return (long) of("trustbridge.outbox.delivered");
            }

            @Override
            public Map<String, Long> getDropped() {
              Map<String, Long> dropped = new TreeMap<>();
              meters
                  .find("trustbridge.outbox.dropped")
                  .tag("uplink", uplink)
                  .functionCounters()
                  .forEach(
                      counter ->
                          dropped.put(counter.getId().getTag("reason"), (long) counter.count()));
              return dropped;
            }

            @Override
            public long getTamperRejected() {
              return (long) of("trustbridge.outbox.tamper.rejected");
            }
          },
          UplinkMXBean.class);
    }
    register(
        "type=Trust",
        new TrustMXBean() {
          @Override
          public String getVaultBackend() {
            return vault.backend();
          }

          @Override
          public boolean isVaultHardware() {
            return vault.isHardware();
          }

          @Override
          public Map<String, Long> getCertificateExpirySeconds() {
            Map<String, Long> expiry = new TreeMap<>();
            Instant now = Instant.now();
            for (WatchedCertificate certificate : certificates) {
              expiry.put(
                  certificate.name(),
                  Duration.between(now, certificate.notAfter().get()).toSeconds());
            }
            return expiry;
          }

          @Override
          public String getSessionCertificateSerial() {
            return sessionKeys.currentChain().get(0).getSerialNumber().toString(16);
          }

          @Override
          public String rotateSessionKey() throws Exception {
            LOG.info("session key rotation requested source=jmx");
            try {
              List<X509Certificate> chain =
                  sessionKeys
                      .rotate()
                      .toCompletableFuture()
                      .get(ROTATION_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
              return chain.get(0).getSerialNumber().toString(16);
            } catch (ExecutionException e) {
              // only the message crosses JMX: a client need not have our exception classes
              throw new Exception("session key rotation failed: " + e.getCause().getMessage());
            } catch (TimeoutException e) {
              throw new Exception("session key rotation did not finish within " + ROTATION_TIMEOUT);
            }
          }
        },
        TrustMXBean.class);
  }

  private static double value(Search search) {
    var gauge = search.gauge();
    if (gauge != null) {
      return gauge.value();
    }
    var counter = search.functionCounter();
    return counter == null ? 0 : counter.count();
  }

  private <T> void register(String properties, T bean, Class<T> type) {
    try {
      ObjectName name = new ObjectName(DOMAIN + ":" + properties);
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      server.registerMBean(new StandardMBean(bean, type, true), name);
      registered.add(name);
    } catch (JMException e) {
      throw new IllegalStateException("cannot register MBean " + properties + ": " + e, e);
    }
  }

  @Override
  public void close() {
    for (ObjectName name : registered) {
      try {
        server.unregisterMBean(name);
      } catch (JMException e) {
        LOG.warn("MBean not unregistered name={} error={}", name, e.toString());
      }
    }
    registered.clear();
  }
}
