package dev.trustbridge.runtime.outbox;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.trust.envelope.DroppedEnvelopes;
import dev.trustbridge.trust.envelope.EnvelopeContent;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.VerificationResult;
import dev.trustbridge.trust.envelope.VerificationResult.Failed;
import dev.trustbridge.trust.envelope.VerificationResult.Failure;
import dev.trustbridge.trust.envelope.VerificationResult.Verified;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cloud side of the outbox tests: an MQTT 5 subscriber with a persistent session, so that the
 * broker keeps its subscription and queued messages across a broker restart, which verifies every
 * envelope and records per device what arrived, in which order, and what is wrong.
 */
final class TelemetryRecorder implements AutoCloseable {

  private final Mqtt5AsyncClient client;
  private final EnvelopeVerifier verifier;
  private final Map<String, NavigableMap<Long, String>> streams = new ConcurrentHashMap<>();
  private final Map<String, Long> newest = new ConcurrentHashMap<>();
  private final Map<String, List<DroppedEnvelopes>> notices = new ConcurrentHashMap<>();
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong redeliveries = new AtomicLong();

  private TelemetryRecorder(Mqtt5AsyncClient client, EnvelopeVerifier verifier) {
    this.client = client;
    this.verifier = verifier;
  }

  static TelemetryRecorder start(EmbeddedBroker broker, DevelopmentPki pki, String filter)
      throws Exception {
    Mqtt5AsyncClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("outbox-recorder-" + System.nanoTime())
            .serverHost(EmbeddedBroker.HOST)
            .serverPort(broker.tlsPort())
            .sslConfig(
                MqttClientSslConfig.builder()
                    .keyManagerFactory(pki.keyManagerFactory("observer"))
                    .trustManagerFactory(pki.trustManagerFactory())
                    .build())
            .automaticReconnect()
            .initialDelay(50, TimeUnit.MILLISECONDS)
            .maxDelay(200, TimeUnit.MILLISECONDS)
            .applyAutomaticReconnect()
            .buildAsync();
    TelemetryRecorder recorder =
        new TelemetryRecorder(client, EnvelopeVerifier.create(List.of(pki.caCertificate())));
    client
        .connectWith()
        .cleanStart(false)
        .sessionExpiryInterval(3600)
        .send()
        .get(10, TimeUnit.SECONDS);
    client
        .subscribeWith()
        .topicFilter(filter)
        .qos(MqttQos.AT_LEAST_ONCE)
        .callback(recorder::received)
        .send()
        .get(10, TimeUnit.SECONDS);
    return recorder;
  }

  private synchronized void received(Mqtt5Publish publish) {
    VerificationResult result = verifier.verify(publish.getPayloadAsBytes());
    EnvelopeContent content;
    if (result instanceof Verified verified) {
      content = verified.content();
    } else {
      Failed failed = (Failed) result;
      if (failed.content().isEmpty()
          || !Set.of(Failure.DUPLICATE, Failure.GAP).contains(failed.failure())) {
        problems.add(failed.failure() + ": " + failed.detail());
        return;
      }
      content = failed.content().get();
    }
    String device = content.stream().device();
    String seen = streams.computeIfAbsent(device, d -> new TreeMap<>()).get(content.seq());
    if (seen != null) {
      if (!seen.equals(content.hash())) {
        problems.add(device + " seq " + content.seq() + " arrived twice with different content");
      }
      redeliveries.incrementAndGet();
      return;
    }
    long last = newest.getOrDefault(device, 0L);
    if (last != 0 && content.seq() < last) {
      problems.add(device + " seq " + content.seq() + " arrived after seq " + last);
    }
    newest.put(device, Math.max(last, content.seq()));
    streams.get(device).put(content.seq(), content.hash());
    content
        .dropped()
        .ifPresent(d -> notices.computeIfAbsent(device, x -> new ArrayList<>()).add(d));
  }

  /** The sequence numbers received from a device, each once. */
  synchronized NavigableMap<Long, String> stream(String device) {
    return new TreeMap<>(streams.getOrDefault(device, new TreeMap<>()));
  }

  /** The newest sequence number received from a device; 0 if none. */
  long newest(String device) {
    return newest.getOrDefault(device, 0L);
  }

  /** The numbers between the first received from a device and {@code upTo} that did not arrive. */
  synchronized Set<Long> missing(String device, long upTo) {
    NavigableMap<Long, String> stream = stream(device);
    Set<Long> missing = new TreeSet<>();
    if (stream.isEmpty()) {
      return missing;
    }
    for (long seq = stream.firstKey(); seq <= upTo; seq++) {
      if (!stream.containsKey(seq)) {
        missing.add(seq);
      }
    }
    return missing;
  }

  /** The drop notices a device's stream carried. */
  synchronized List<DroppedEnvelopes> notices(String device) {
    return List.copyOf(notices.getOrDefault(device, List.of()));
  }

  /** Envelopes that were not authentic, forks, and envelopes out of order. */
  List<String> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  /** Envelopes that arrived again, byte for byte. */
  long redeliveries() {
    return redeliveries.get();
  }

  @Override
  public void close() throws Exception {
    client.disconnectWith().sessionExpiryInterval(0).send().get(10, TimeUnit.SECONDS);
  }
}
