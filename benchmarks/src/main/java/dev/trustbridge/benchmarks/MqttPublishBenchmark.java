package dev.trustbridge.benchmarks;

import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.Outbox;
import dev.trustbridge.adapters.mqtt.UplinkPublisher;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.policy.signing.SigningEncoder;
import dev.trustbridge.runtime.config.OutboxSettings;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.VaultException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.impl.DefaultCamelContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Publishing envelopes as the outbox forwards them: through the publisher that the {@code mqtt:}
 * component hands an uplink's outbox, at QoS 1, each publish complete on the broker's PUBACK. The
 * broker is the embedded HiveMQ CE broker in the same JVM, on loopback; the uplink reaches it over
 * mutual TLS with the gateway's identity from its vault (as the gateway does) or over plaintext
 * TCP, so that the cost of TLS shows. No client subscribes: the broker acknowledges without one.
 */
// client, TLS and broker code all wait for C2: on 2 shared vCPUs scores still rose tenfold after 3
// s
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MqttPublishBenchmark {

  /** As many publishes as the outbox lets wait for their PUBACK by default. */
  static final int WINDOW = OutboxSettings.DEFAULT_IN_FLIGHT;

  static final String TOPIC =
      "tb/v1/"
          + BenchGateway.SITE
          + "/"
          + BenchGateway.GATEWAY
          + "/"
          + BenchGateway.DEVICE
          + "/telemetry";

  private static final String UPLINK = "cloud";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  // longer than the gateway's default publish timeout, after which a publish fails anyway
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(15);

  /**
   * The envelope's size in bytes: with published chains about 3, 115 and 480 samples (some 135
   * bytes each).
   */
  @Param({"1024", "16384", "65536"})
  public int payloadBytes;

  /** {@code tls}: mutual TLS, as the gateway connects; {@code plain}: plaintext TCP. */
  @Param({"tls", "plain"})
  public String transport;

  private BenchGateway gateway;
  private EmbeddedBroker broker;
  private DefaultCamelContext camel;
  private UplinkPublisher publisher;
  private byte[] payload;
  private final Semaphore window = new Semaphore(WINDOW);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  @Setup(Level.Trial)
  public void start() throws VaultException, EnvelopeException, InterruptedException {
    boolean tls =
        switch (transport) {
          case "tls" -> true;
          case "plain" -> false;
          default ->
              throw new IllegalArgumentException(
                  "transport '" + transport + "' is not one of tls, plain");
        };
    payload = new byte[payloadBytes];
    // the content means nothing to MQTT or TLS (which does not compress); only the size counts
    new Random(payloadBytes).nextBytes(payload);
    gateway = BenchGateway.start();
    try {
      EmbeddedBroker.Builder brokerBuilder =
          EmbeddedBroker.builder(gateway.pki())
              .workDirectory(gateway.directory().resolve("broker"));
      broker = (tls ? brokerBuilder : brokerBuilder.plainListener(0)).build();
      broker.start();
      connect(tls ? tlsUplink() : UplinkSettings.builder(UPLINK, broker.plainServerUri()).build());
    } catch (RuntimeException | InterruptedException e) {
      stop();
      throw e;
    }
  }

  private UplinkSettings tlsUplink() {
    Identity identity = gateway.identity();
    return UplinkSettings.builder(UPLINK, broker.tlsServerUri())
        .caCertificateFile(gateway.pki().caCertificateFile())
        .clientKey(identity.keyManagerFactory(), identity.keyUri())
        .build();
  }

  private void connect(UplinkSettings uplink) throws InterruptedException {
    MqttComponent mqtt = new MqttComponent();
    mqtt.setSiteId(BenchGateway.SITE);
    mqtt.setGatewayId(BenchGateway.GATEWAY);
    mqtt.setUplinks(List.of(uplink));
    PublisherOutbox outbox = new PublisherOutbox();
    mqtt.setOutbox(UPLINK, outbox);
    camel = new DefaultCamelContext();
    camel.addComponent("mqtt", mqtt);
    camel.start();
    publisher = outbox.publisher;
    if (publisher == null) {
      throw new IllegalStateException("the mqtt component started without starting the outbox");
    }
    long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
    while (!publisher.isConnected()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "uplink to "
                + uplink.serverUri()
                + " not connected within "
                + CONNECT_TIMEOUT.toSeconds()
                + " s; its log lines say why");
      }
      Thread.sleep(10);
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    if (camel != null) {
      camel.stop();
    }
    if (broker != null) {
      broker.close();
    }
    gateway.close();
  }

  /** Latency: one publish, then wait for its PUBACK. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void publishOne() {
    publisher.publish(TOPIC, payload, SigningEncoder.CONTENT_TYPE).join();
  }

  /**
   * Throughput: publishes with up to {@link #WINDOW} waiting for their PUBACK, as the outbox
   * forwards a backlog; one operation is one publish, which waits only while the window is full.
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void publishWindowed() throws InterruptedException {
    requireNoFailure();
    window.acquire();
    publisher
        .publish(TOPIC, payload, SigningEncoder.CONTENT_TYPE)
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
              window.release();
            });
  }

  /** Waits, outside the measurement, until every windowed publish has its PUBACK. */
  @TearDown(Level.Iteration)
  public void settle() throws InterruptedException {
    if (!window.tryAcquire(WINDOW, SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "publishes neither acknowledged nor failed after " + SETTLE_TIMEOUT.toSeconds() + " s");
    }
    window.release(WINDOW);
    requireNoFailure();
  }

  private void requireNoFailure() {
    Throwable error = failure.get();
    if (error != null) {
      throw new IllegalStateException("a windowed publish failed: " + error, error);
    }
  }

  /** The broker, for checks. */
  EmbeddedBroker broker() {
    return broker;
  }

  /**
   * Stands where the gateway's durable outbox does, so that the component hands it the uplink's
   * publisher; the benchmark publishes ready payloads, so no batch comes through here.
   */
  private static final class PublisherOutbox implements Outbox {

    // set by the component while the Camel context starts, on the thread that starts it
    UplinkPublisher publisher;

    @Override
    public CompletionStage<Void> accept(SampleBatch batch, String topic) {
      throw new UnsupportedOperationException("the MQTT publish benchmark routes no batches");
    }

    @Override
    public void start(UplinkPublisher uplinkPublisher) {
      publisher = uplinkPublisher;
    }

    @Override
    public void stop() {}
  }
}
