package dev.trustbridge.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.trustbridge.policy.signing.SigningEncoder;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.trust.envelope.ChainMode;
import dev.trustbridge.trust.envelope.Envelope;
import dev.trustbridge.trust.envelope.VerificationResult;
import dev.trustbridge.trust.envelope.VerificationResult.Verified;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The benchmark states driven by hand, a few operations each, so that a benchmark that measures the
 * wrong path fails the build instead of publishing a number.
 */
class BenchmarkStatesTest {

  @Test
  void modbusDecode_fullRead_givesOneSamplePerTag() {
    ModbusDecodeBenchmark benchmark = new ModbusDecodeBenchmark();
    benchmark.type = "float32";
    benchmark.start();
    assertThat(benchmark.decode()).hasSize(62).allSatisfy(s -> assertThat(s.value()).isNotNull());
    benchmark.type = "int16";
    benchmark.start();
    assertThat(benchmark.decode()).hasSize(125);
  }

  @Test
  void outboxAccept_threeBatches_areCommittedEncryptedInTheStore() throws Exception {
    OutboxAppendBenchmark benchmark = new OutboxAppendBenchmark();
    benchmark.samplesPerBatch = 10;
    benchmark.start();
    try {
      OutboxAppendBenchmark.Device device = new OutboxAppendBenchmark.Device();
      device.pick(benchmark);
      for (int i = 0; i < 3; i++) {
        benchmark.acceptOneDevice(device);
      }

      assertThat(benchmark.status())
          .singleElement()
          .satisfies(s -> assertThat(s.depth()).isEqualTo(3));
    } finally {
      benchmark.stop();
    }
  }

  @Test
  void mqttPublish_mutualTls_everyPublishReachesTheBrokerWhole() throws Exception {
    MqttPublishBenchmark benchmark = new MqttPublishBenchmark();
    benchmark.payloadBytes = 16384;
    benchmark.transport = "tls";
    benchmark.start();
    try {
      Mqtt5BlockingClient observer = observer(benchmark.broker());
      try (Mqtt5Publishes publishes = observer.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
        observer
            .subscribeWith()
            .topicFilter(MqttPublishBenchmark.TOPIC)
            .qos(MqttQos.AT_LEAST_ONCE)
            .send();
        benchmark.publishOne();
        benchmark.publishOne();
        for (int i = 0; i < 3; i++) {
          benchmark.publishWindowed();
        }
        benchmark.settle();

        List<Mqtt5Publish> received = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          Optional<Mqtt5Publish> publish = publishes.receive(10, TimeUnit.SECONDS);
          assertThat(publish).as("message %d of 5", i + 1).isPresent();
          received.add(publish.get());
        }
        assertThat(received)
            .allSatisfy(
                publish -> {
                  assertThat(publish.getTopic().toString()).isEqualTo(MqttPublishBenchmark.TOPIC);
                  assertThat(publish.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
                  assertThat(publish.getPayloadAsBytes()).hasSize(16384);
                  assertThat(publish.getContentType().map(Object::toString))
                      .hasValue(SigningEncoder.CONTENT_TYPE);
                });
        assertThat(received.get(4).getPayloadAsBytes())
            .isEqualTo(received.get(0).getPayloadAsBytes());
      } finally {
        observer.disconnect();
      }
    } finally {
      benchmark.stop();
    }
  }

  @Test
  void mqttPublish_unknownTransport_failsNamingTheChoices() {
    MqttPublishBenchmark benchmark = new MqttPublishBenchmark();
    benchmark.payloadBytes = 1024;
    benchmark.transport = "websocket";

    assertThatThrownBy(benchmark::start)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("transport 'websocket' is not one of tls, plain");
  }

  @Test
  void policyAdmit_withAndWithoutCel_passesEverySampleOfTheBatch() throws Exception {
    for (String condition : List.of("patterns", "cel")) {
      PolicyEvaluateBenchmark benchmark = new PolicyEvaluateBenchmark();
      benchmark.samplesPerBatch = 10;
      benchmark.condition = condition;
      benchmark.start();

      assertThat(benchmark.admit())
          .as(condition)
          .hasValueSatisfying(batch -> assertThat(batch.samples()).hasSize(10));
    }
  }

  @Test
  void verifyWarm_pastEveryWarmVerifier_coldVerifierTakesOverAndAllVerify() throws Exception {
    EnvelopeVerifyBenchmark benchmark = verifyBenchmark(ChainMode.EMBEDDED);
    benchmark.warmVerifiers();

    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 3 * EnvelopeVerifyBenchmark.WARM_VERIFIERS + 2; i++) {
      seqs.add(seq(benchmark.verifyWarm()));
    }

    assertThat(seqs.subList(0, 7)).containsExactly(1L, 2L, 3L, 1L, 2L, 3L, 1L);
    assertThat(seqs.subList(seqs.size() - 2, seqs.size())).containsExactly(1L, 2L);
    assertThat(benchmark.coldTakeovers()).isEqualTo(1);
  }

  @Test
  void verifyFresh_publishedChains_everyEnvelopeVerifies() throws Exception {
    EnvelopeVerifyBenchmark benchmark = verifyBenchmark(ChainMode.PUBLISHED);

    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      seqs.add(seq(benchmark.verifyFresh()));
    }

    assertThat(seqs).containsExactly(1L, 2L, 3L, 1L, 2L);
  }

  @Test
  void verifyNewChain_envelopeOfEachSessionKey_verifiesUnderItsOwnCertificate() throws Exception {
    NewChainVerifyBenchmark benchmark = new NewChainVerifyBenchmark();
    benchmark.chainMode = ChainMode.PUBLISHED;
    benchmark.sessionKeys = 3;
    benchmark.signWithNewKeys();

    List<X509Certificate> sessionCertificates = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      VerificationResult result = benchmark.verifyNewChain();
      assertThat(result).isInstanceOf(Verified.class);
      sessionCertificates.add(((Verified) result).content().chain().get(0));
    }

    assertThat(sessionCertificates.subList(0, 3)).doesNotHaveDuplicates();
    assertThat(sessionCertificates.get(3)).isEqualTo(sessionCertificates.get(0));
  }

  @Test
  void signDurable_threeEnvelopes_positionIsOnDisk() throws Exception {
    EnvelopeSignBenchmark benchmark = new EnvelopeSignBenchmark();
    benchmark.samplesPerEnvelope = 10;
    benchmark.chainMode = ChainMode.PUBLISHED;
    benchmark.start();
    try {
      benchmark.signDurable();
      benchmark.signDurable();
      Envelope third = benchmark.signDurable();
      Envelope inMemory = benchmark.signInMemory();

      assertThat(third.seq()).isEqualTo(3);
      JsonNode state = new ObjectMapper().readTree(Files.readString(benchmark.stateFile()));
      assertThat(state.at("/streams/plc-1/seq").asLong()).isEqualTo(3);
      assertThat(state.at("/streams/plc-1/hash").asText()).isEqualTo(third.hash());
      assertThat(inMemory.seq()).isEqualTo(1);
    } finally {
      benchmark.stop();
    }
  }

  @Test
  void unsignedJson_hundredSamples_writesAndReadsEveryPayloadField() throws Exception {
    UnsignedJsonBenchmark benchmark = new UnsignedJsonBenchmark();
    benchmark.samplesPerEnvelope = 100;
    benchmark.start();

    JsonNode payload = new ObjectMapper().readTree(benchmark.writeJson());
    JsonNode read = benchmark.readJson();

    assertThat(payload.get("seq").asLong()).isEqualTo(2);
    assertThat(read.get("seq").asLong()).isEqualTo(1);
    assertThat(read.get("samples")).isEqualTo(payload.get("samples"));
    assertThat(payload.get("device").asText()).isEqualTo(BenchGateway.DEVICE);
    assertThat(payload.get("samples")).hasSize(100);
    assertThat(payload.at("/samples/0/value").asDouble()).isEqualTo(20.0);
    assertThat(payload.at("/samples/1/value").asLong()).isEqualTo(1001L);
    assertThat(payload.at("/samples/2/value").isBoolean()).isTrue();
  }

  @Test
  void certifySessionKey_softwareVault_returnsNewSessionCertificateEachTime() throws Exception {
    SessionCertificateBenchmark benchmark = new SessionCertificateBenchmark();
    benchmark.vault = "software";
    benchmark.openVault();
    try {
      benchmark.startKeys();
      List<X509Certificate> first = benchmark.certifySessionKey();
      List<X509Certificate> second = benchmark.certifySessionKey();
      benchmark.stopKeys();

      assertThat(first).hasSize(3);
      assertThat(second.get(0).getSerialNumber()).isNotEqualTo(first.get(0).getSerialNumber());
      assertThat(second.subList(1, 3)).isEqualTo(first.subList(1, 3));
      second.get(0).verify(second.get(1).getPublicKey());
    } finally {
      benchmark.closeVault();
    }
  }

  @Test
  void openVault_unknownBackend_failsNamingTheChoices() {
    SessionCertificateBenchmark benchmark = new SessionCertificateBenchmark();
    benchmark.vault = "hsm";

    assertThatThrownBy(benchmark::openVault)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vault 'hsm' is not one of software, softhsm, tpm");
  }

  /** A subscriber with a certificate of its own from the broker's development PKI. */
  private static Mqtt5BlockingClient observer(EmbeddedBroker broker) {
    Mqtt5BlockingClient client =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("observer")
            .serverHost(EmbeddedBroker.HOST)
            .serverPort(broker.tlsPort())
            .sslConfig(
                MqttClientSslConfig.builder()
                    .keyManagerFactory(broker.pki().keyManagerFactory("observer"))
                    .trustManagerFactory(broker.pki().trustManagerFactory())
                    .build())
            .buildBlocking();
    client.connect();
    return client;
  }

  private static EnvelopeVerifyBenchmark verifyBenchmark(ChainMode mode) throws Exception {
    EnvelopeVerifyBenchmark benchmark = new EnvelopeVerifyBenchmark();
    benchmark.samplesPerEnvelope = 10;
    benchmark.chainMode = mode;
    benchmark.streamLength = 3;
    benchmark.signStream();
    return benchmark;
  }

  private static long seq(VerificationResult result) {
    assertThat(result).isInstanceOf(Verified.class);
    return ((Verified) result).content().seq();
  }
}
