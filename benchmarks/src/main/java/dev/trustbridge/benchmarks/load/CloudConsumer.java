package dev.trustbridge.benchmarks.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.trustbridge.policy.command.CommandFormat;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The cloud side of the harness: one MQTT client of the broker over mutual TLS, subscribed to all
 * telemetry and command results. On receipt it keeps the message as it came and reads only what
 * latency needs (device and poll time of the first sample); verification happens after the measured
 * window, so that the consumer does not take the cores the gateway is measured on.
 */
final class CloudConsumer implements AutoCloseable {

  private static final String TELEMETRY = "tb/v1/+/+/+/telemetry";
  private static final String RESULTS = "tb/v1/+/+/+/cmd/result";
  private static final JsonFactory JSON = new JsonFactory();
  private static final int PAYLOAD_PREFIX_CHARACTERS = 4096;
  private static final byte[] PAYLOAD_MEMBER = "\"payload\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TAG_MEMBER = "\"tag\":".getBytes(StandardCharsets.US_ASCII);

  /**
   * One telemetry message as received.
   *
   * @param receivedMillis wall-clock time of receipt
   * @param message the bytes of an envelope, kept for its verification after the run; empty for
   *     unsigned JSON, which is counted on receipt instead: the bare pipeline delivers up to 45
   *     MB/s, too much to keep for a whole run
   * @param device the device it names, {@code ""} if unreadable
   * @param polledMillis the first sample's source time (the poll for Modbus), or -1
   * @param plainSamples the samples of unsigned JSON, or -1 for an envelope
   */
  record Received(
      long receivedMillis, byte[] message, String device, long polledMillis, int plainSamples) {}

  /**
   * A command result as received.
   *
   * @param receivedNanos {@link System#nanoTime()} at receipt
   * @param status the result's status ({@code done}, {@code refused}, {@code failed})
   */
  record Result(long receivedNanos, String status) {}

  private final Mqtt5AsyncClient client;
  private final boolean signed;
  private final List<Received> received = new ArrayList<>();
  private final Map<String, Result> results = new ConcurrentHashMap<>();
  private volatile long firstReceivedMillis = -1;

  private CloudConsumer(Mqtt5AsyncClient client, boolean signed) {
    this.client = client;
    this.signed = signed;
  }

  /**
   * Connects with a persistent session (so that nothing is missed while the broker restarts) and
   * subscribes.
   *
   * @param signed whether messages are envelopes (the gateway) or plain JSON (the bare pipeline)
   */
  static CloudConsumer connect(
      DevelopmentPki pki, EmbeddedBroker broker, String name, boolean signed) throws Exception {
    IssuedCertificate certificate = pki.clientCertificate(name);
    Mqtt5AsyncClient client =
        Mqtt5Client.builder()
            .identifier(name)
            .serverHost(EmbeddedBroker.HOST)
            .serverPort(broker.tlsPort())
            .sslConfig(
                MqttClientSslConfig.builder()
                    .keyManagerFactory(pki.keyManagerFactory(certificate))
                    .trustManagerFactory(pki.trustManagerFactory())
                    .build())
            // back within a second of the broker, before the gateway's backlog could overflow
            // the session's queue
            .automaticReconnect()
            .initialDelay(100, TimeUnit.MILLISECONDS)
            .maxDelay(1, TimeUnit.SECONDS)
            .applyAutomaticReconnect()
            .buildAsync();
    // the name is new to the broker, so the session starts empty; kept across broker restarts
    client
        .connectWith()
        .cleanStart(false)
        .sessionExpiryInterval(3600)
        .send()
        .get(30, TimeUnit.SECONDS);
    CloudConsumer consumer = new CloudConsumer(client, signed);
    client
        .subscribeWith()
        .topicFilter(TELEMETRY)
        .qos(MqttQos.AT_LEAST_ONCE)
        .callback(consumer::telemetry)
        .send()
        .get(30, TimeUnit.SECONDS);
    client
        .subscribeWith()
        .topicFilter(RESULTS)
        .qos(MqttQos.AT_LEAST_ONCE)
        .callback(consumer::result)
        .send()
        .get(30, TimeUnit.SECONDS);
    return consumer;
  }

  private void telemetry(Mqtt5Publish publish) {
    long now = System.currentTimeMillis();
    byte[] message = publish.getPayloadAsBytes();
    Received record = read(now, message);
    synchronized (received) {
      received.add(record);
    }
    if (firstReceivedMillis < 0) {
      firstReceivedMillis = now;
    }
  }

  private void result(Mqtt5Publish publish) {
    long now = System.nanoTime();
    try {
      JsonNode result = CommandFormat.readResult(publish.getPayloadAsBytes());
      results.putIfAbsent(
          result.path("id").asText(), new Result(now, result.path("status").asText()));
    } catch (IllegalArgumentException e) {
      // an unreadable result counts as never received: the report shows the command unanswered
    }
  }

  /** The result of command {@code id}, if it has arrived. */
  Optional<Result> result(String id) {
    return Optional.ofNullable(results.get(id));
  }

  /** Publishes {@code message} at QoS 1 and waits for the broker's PUBACK. */
  void publish(String topic, byte[] message) throws Exception {
    client
        .publishWith()
        .topic(topic)
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(message)
        .send()
        .get(30, TimeUnit.SECONDS);
  }

  /** Wall-clock time of the first telemetry received since the last {@link #clear()}, or -1. */
  long firstReceivedMillis() {
    return firstReceivedMillis;
  }

  /** Everything received since the last {@link #clear()}, in order of receipt. */
  List<Received> received() {
    synchronized (received) {
      return new ArrayList<>(received);
    }
  }

  int receivedCount() {
    synchronized (received) {
      return received.size();
    }
  }

  /** Forgets what was received, for the next run. */
  void clear() {
    synchronized (received) {
      received.clear();
    }
    results.clear();
    firstReceivedMillis = -1;
  }

  private Received read(long now, byte[] message) {
    try {
      byte[] payload = signed ? payloadPrefix(message) : message;
      try (JsonParser parser = JSON.createParser(payload)) {
        String device = "";
        long polled = -1;
        while (parser.nextToken() != null) {
          if (parser.currentToken() != JsonToken.FIELD_NAME) {
            continue;
          }
          String field = parser.currentName();
          parser.nextToken();
          if ("device".equals(field) || "deviceId".equals(field)) {
            device = parser.getText();
          } else if ("sourceTime".equals(field)) {
            polled = Instant.parse(parser.getText()).toEpochMilli();
            break;
          }
        }
        return received(now, message, device, polled);
      }
    } catch (IOException | RuntimeException e) {
      // a cut-off prefix or a malformed message: verification reports it
      return received(now, message, "", -1);
    }
  }

  private Received received(long now, byte[] message, String device, long polled) {
    return signed
        ? new Received(now, message, device, polled, -1)
        : new Received(now, new byte[0], device, polled, plainSampleCount(message));
  }

  /**
   * The samples of unsigned JSON: its {@code "tag":} members. The bytes are scanned, not parsed, so
   * that receipt stays cheap; the sequence cannot occur inside a JSON string, whose quotes are
   * escaped.
   */
  static int plainSampleCount(byte[] message) {
    int count = 0;
    for (int at = indexOf(message, TAG_MEMBER, 0);
        at >= 0;
        at = indexOf(message, TAG_MEMBER, at + 1)) {
      count++;
    }
    return count;
  }

  /**
   * The start of an envelope's payload, decoded: enough for its header and first sample. Found in
   * the bytes rather than parsed, so that receipt stays cheap: the envelope holds only base64url
   * strings, so its member name cannot appear anywhere else.
   */
  private static byte[] payloadPrefix(byte[] envelope) throws IOException {
    int start = indexOf(envelope, PAYLOAD_MEMBER, 0);
    if (start < 0) {
      throw new IOException("no payload");
    }
    start += PAYLOAD_MEMBER.length;
    int end = start;
    while (end < envelope.length
        && envelope[end] != '"'
        && end - start < PAYLOAD_PREFIX_CHARACTERS) {
      end++;
    }
    int length = (end - start) & ~3;
    return Base64.getUrlDecoder()
        .decode(new String(envelope, start, length, StandardCharsets.US_ASCII));
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * Disconnects and ends the session: the broker would otherwise keep queueing every later run's
   * telemetry for it, up to its queue limit.
   */
  @Override
  public void close() {
    client
        .disconnectWith()
        .sessionExpiryInterval(0)
        .send()
        .orTimeout(10, TimeUnit.SECONDS)
        .exceptionally(e -> null)
        .join();
  }
}
