package dev.trustbridge.trust.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbridge.trust.envelope.EnvelopeException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvelopeSignerTest {

  private static final Instant SOURCE = Instant.parse("2026-11-27T08:00:00.250Z");

  @TempDir Path directory;

  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private TestGateway gateway;
  private SessionKeys keys;
  private Path stateFile;

  @BeforeEach
  void start() throws Exception {
    gateway = TestGateway.enrolled(directory, TestPki.create(clock.instant()));
    keys = SessionKeys.start(gateway.identity(), Duration.ofHours(1), clock);
    stateFile = directory.resolve("state/gw-01.streams.json");
  }

  @AfterEach
  void stop() {
    keys.close();
    gateway.close();
  }

  static List<EnvelopeSample> samples(double temperature) {
    return List.of(
        new EnvelopeSample("temperature", temperature, EnvelopeSample.GOOD, SOURCE, "°C"),
        new EnvelopeSample("running", true, EnvelopeSample.GOOD, SOURCE, ""),
        new EnvelopeSample("count", 42L, EnvelopeSample.GOOD, SOURCE, "pcs"),
        new EnvelopeSample("pressure", null, EnvelopeSample.BAD, SOURCE, "bar"));
  }

  @Test
  void sign_embeddedChain_writesFlattenedJwsWithHeaderAndPayload() throws Exception {
    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      EnvelopeSigner signer = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);

      Envelope envelope = signer.sign("plc-1", samples(21.5));

      JsonNode json = EnvelopeTesting.json(envelope.bytes());
      assertThat(json.fieldNames())
          .toIterable()
          .containsExactlyInAnyOrder("protected", "payload", "signature");
      assertThat(Base64.getUrlDecoder().decode(json.get("signature").asText())).hasSize(64);
      JsonNode header = EnvelopeTesting.protectedHeader(envelope.bytes());
      List<X509Certificate> chain = keys.currentChain();
      assertThat(header.fieldNames())
          .toIterable()
          .containsExactlyInAnyOrder("alg", "typ", "kid", "x5c");
      assertThat(header.get("alg").asText()).isEqualTo("ES256");
      assertThat(header.get("typ").asText()).isEqualTo("tb-envelope+jws");
      assertThat(header.get("kid").asText()).isEqualTo(EnvelopeTesting.thumbprint(chain.get(0)));
      assertThat(header.get("x5c")).hasSize(3);
      for (int i = 0; i < chain.size(); i++) {
        assertThat(Base64.getDecoder().decode(header.get("x5c").get(i).asText()))
            .isEqualTo(chain.get(i).getEncoded());
      }
      assertThat(EnvelopeTesting.payloadText(envelope.bytes()))
          .isEqualTo(
              "{\"v\":1,\"site\":\"plant-a\",\"gateway\":\"gw-01\",\"device\":\"plc-1\",\"epoch\":1,"
                  + "\"seq\":1,\"prev\":null,\"time\":\""
                  + clock.instant()
                  + "\",\"samples\":["
                  + "{\"tag\":\"temperature\",\"value\":21.5,\"quality\":\"GOOD\","
                  + "\"sourceTime\":\"2026-11-27T08:00:00.250Z\",\"unit\":\"°C\"},"
                  + "{\"tag\":\"running\",\"value\":true,\"quality\":\"GOOD\","
                  + "\"sourceTime\":\"2026-11-27T08:00:00.250Z\",\"unit\":\"\"},"
                  + "{\"tag\":\"count\",\"value\":42,\"quality\":\"GOOD\","
                  + "\"sourceTime\":\"2026-11-27T08:00:00.250Z\",\"unit\":\"pcs\"},"
                  + "{\"tag\":\"pressure\",\"value\":null,\"quality\":\"BAD\","
                  + "\"sourceTime\":\"2026-11-27T08:00:00.250Z\",\"unit\":\"bar\"}]}");
      String signingInput = json.get("protected").asText() + "." + json.get("payload").asText();
      assertThat(envelope.hash())
          .isEqualTo(
              EnvelopeTesting.base64Url(
                  java.security.MessageDigest.getInstance("SHA-256")
                      .digest(signingInput.getBytes(StandardCharsets.US_ASCII))));
      assertThat(envelope.stream()).isEqualTo(new StreamId("plant-a", "gw-01", "plc-1"));
      assertThat(envelope.seq()).isEqualTo(1);
      assertThat(envelope.epoch()).isEqualTo(1);
    }
  }

  @Test
  void sign_publishedChain_carriesOnlyThumbprint() throws Exception {
    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      EnvelopeSigner signer = EnvelopeSigner.open(keys, store, ChainMode.PUBLISHED);

      Envelope envelope = signer.sign("plc-1", samples(1.0));

      JsonNode header = EnvelopeTesting.protectedHeader(envelope.bytes());
      String thumbprint = EnvelopeTesting.thumbprint(keys.currentChain().get(0));
      assertThat(header.fieldNames())
          .toIterable()
          .containsExactlyInAnyOrder("alg", "typ", "kid", "x5t#S256");
      assertThat(header.get("kid").asText()).isEqualTo(thumbprint);
      assertThat(header.get("x5t#S256").asText()).isEqualTo(thumbprint);
      int chainBytes = 0;
      for (X509Certificate certificate : keys.currentChain()) {
        chainBytes += certificate.getEncoded().length;
      }
      assertThat(envelope.bytes().length).isLessThan(chainBytes);
    }
  }

  @Test
  void sign_successiveEnvelopes_linkToPredecessorPerDevice() throws Exception {
    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      EnvelopeSigner signer = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);

      Envelope a1 = signer.sign("plc-1", samples(1));
      Envelope b1 = signer.sign("plc-2", samples(2));
      Envelope a2 = signer.sign("plc-1", samples(3));

      assertThat(List.of(a1.seq(), b1.seq(), a2.seq())).containsExactly(1L, 1L, 2L);
      assertThat(EnvelopeTesting.payload(b1.bytes()).get("prev").isNull()).isTrue();
      assertThat(EnvelopeTesting.payload(a2.bytes()).get("prev").asText()).isEqualTo(a1.hash());
    }
  }

  @Test
  void restart_onSameStateFile_continuesSeqAndPrevWithNextEpoch() throws Exception {
    Envelope last;
    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      EnvelopeSigner first = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);
      first.sign("plc-1", samples(1));
      last = first.sign("plc-1", samples(2));
      first.sign("plc-2", samples(3));
    }

    JsonNode state = new ObjectMapper().readTree(stateFile.toFile());
    assertThat(state.toString())
        .isEqualTo(
            "{\"v\":1,\"site\":\"plant-a\",\"gateway\":\"gw-01\",\"epoch\":1,\"streams\":{"
                + "\"plc-1\":{\"seq\":2,\"hash\":\""
                + last.hash()
                + "\"},\"plc-2\":{\"seq\":1,\"hash\":\""
                + state.get("streams").get("plc-2").get("hash").asText()
                + "\"}}}");

    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      EnvelopeSigner second = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);
      Envelope next = second.sign("plc-1", samples(4));

      assertThat(second.epoch()).isEqualTo(2);
      assertThat(next.seq()).isEqualTo(3);
      assertThat(next.epoch()).isEqualTo(2);
      JsonNode payload = EnvelopeTesting.payload(next.bytes());
      assertThat(payload.get("prev").asText()).isEqualTo(last.hash());
      assertThat(payload.get("epoch").asLong()).isEqualTo(2);
    }
    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      assertThat(EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED).epoch()).isEqualTo(3);
    }
  }

  @Test
  void stateFile_heldBySigner_isRefusedToSecond() throws Exception {
    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);

      assertThatThrownBy(() -> StreamStateStore.file(stateFile))
          .isInstanceOf(EnvelopeException.class)
          .hasMessageContaining("in use by another signer")
          .extracting(e -> ((EnvelopeException) e).reason())
          .isEqualTo(Reason.STATE_STORE);
    }
  }

  @Test
  void stateFile_ofAnotherGateway_isRefused() throws Exception {
    Files.createDirectories(stateFile.getParent());
    Files.writeString(
        stateFile,
        "{\"v\":1,\"site\":\"plant-b\",\"gateway\":\"gw-07\",\"epoch\":4,\"streams\":{}}");
    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      assertThatThrownBy(() -> EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED))
          .isInstanceOf(EnvelopeException.class)
          .hasMessageContaining("belongs to gateway gw-07 of site plant-b")
          .extracting(e -> ((EnvelopeException) e).reason())
          .isEqualTo(Reason.STATE_STORE);
    }
  }

  @Test
  void stateFile_corrupt_isRefusedNamingTheFile() throws Exception {
    Files.createDirectories(stateFile.getParent());
    Files.writeString(stateFile, "{\"v\":1,\"site\":\"plant-a\",\"gatew");
    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      assertThatThrownBy(() -> EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED))
          .isInstanceOf(EnvelopeException.class)
          .hasMessageContaining(stateFile.toString())
          .hasMessageContaining("unreadable");
    }
  }

  @Test
  void sign_manyDevicesInParallel_neverReusesNumbersAndStoresEveryPosition() throws Exception {
    int devices = 8;
    int perDevice = 50;
    Map<String, List<Envelope>> signed = new ConcurrentHashMap<>();
    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      EnvelopeSigner signer = EnvelopeSigner.open(keys, store, ChainMode.PUBLISHED);
      ExecutorService pool = Executors.newFixedThreadPool(devices);
      try {
        List<Future<?>> work = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
          String device = "plc-" + d;
          for (int t = 0; t < 2; t++) {
            // two threads per device race for its sequence
            work.add(
                pool.submit(
                    () -> {
                      for (int i = 0; i < perDevice / 2; i++) {
                        Envelope envelope = signer.sign(device, samples(i));
                        signed
                            .computeIfAbsent(
                                device, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                            .add(envelope);
                      }
                      return null;
                    }));
          }
        }
        for (Future<?> future : work) {
          future.get();
        }
      } finally {
        pool.shutdownNow();
      }
    }

    JsonNode state = new ObjectMapper().readTree(stateFile.toFile());
    for (int d = 0; d < devices; d++) {
      List<Envelope> envelopes = new ArrayList<>(signed.get("plc-" + d));
      envelopes.sort((a, b) -> Long.compare(a.seq(), b.seq()));
      assertThat(envelopes)
          .extracting(Envelope::seq)
          .containsExactlyElementsOf(
              java.util.stream.LongStream.rangeClosed(1, perDevice).boxed().toList());
      for (int i = 1; i < envelopes.size(); i++) {
        assertThat(EnvelopeTesting.payload(envelopes.get(i).bytes()).get("prev").asText())
            .isEqualTo(envelopes.get(i - 1).hash());
      }
      JsonNode position = state.get("streams").get("plc-" + d);
      assertThat(position.get("seq").asLong()).isEqualTo(perDevice);
      assertThat(position.get("hash").asText()).isEqualTo(envelopes.get(perDevice - 1).hash());
    }
  }

  @Test
  void sign_deviceIdThatCannotBeATopicLevel_isRefused() throws Exception {
    try (StreamStateStore store = StreamStateStore.file(stateFile)) {
      EnvelopeSigner signer = EnvelopeSigner.open(keys, store, ChainMode.EMBEDDED);

      assertThatThrownBy(() -> signer.sign("plc/1", samples(1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("plc/1");
    }
  }
}
