package dev.trustbridge.adapters.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trustbridge.adapters.DeviceWriteException;
import dev.trustbridge.adapters.DeviceWriter;
import dev.trustbridge.adapters.LogCapture;
import dev.trustbridge.adapters.Quality;
import dev.trustbridge.adapters.Sample;
import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.TrustBridgeHeaders;
import dev.trustbridge.adapters.opcua.OpcUaDevice.WhileDown;
import dev.trustbridge.sim.opcua.OpcUaSimulator;
import dev.trustbridge.sim.opcua.OpcUaSimulatorExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@code opcua:} component against the OPC UA simulator over loopback sockets. */
class OpcUaComponentTest {

  @RegisterExtension
  static final OpcUaSimulatorExtension PLANT =
      OpcUaSimulatorExtension.fromYaml(
          """
          name: adapter-line
          tick: 100ms
          security:
            users:
              - {username: operator, password: "s3cret pass"}
            userCertificates: true
          nodes:
            - folder: Line
              nodes:
                - {variable: Count, type: Int32, value: {counter: {start: 0, increment: 1}}}
                - {variable: Speed, type: Double, value: {constant: 21.5}}
                - {variable: Running, type: Boolean, value: {constant: true}}
                - {variable: Limit, type: UInt16, value: {constant: 7}}
                - {variable: State, type: String, value: {constant: "Running"}}
                - {variable: Setpoint, type: Int32, writable: true, value: {constant: 1450}}
          """);

  @TempDir static Path state;

  private static OpcUaApplicationIdentity gateway;
  private static KeyPair userKeys;
  private static X509Certificate userCertificate;

  private final BlockingQueue<SampleBatch> received = new LinkedBlockingQueue<>();
  private CamelContext camel;
  private OpcUaComponent component;

  @BeforeAll
  static void identities() throws Exception {
    gateway =
        OpcUaApplicationIdentity.loadOrCreate(
            state, "plant-a", "gw-01", TestDataKeys.software(state));
    PLANT.simulator().trustClientCertificate(gateway.certificate());
    userKeys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    userCertificate =
        new SelfSignedCertificateBuilder(userKeys)
            .setCommonName("line operator")
            .setApplicationUri("urn:trustbridge:test:operator")
            .build();
    PLANT.simulator().trustUserCertificate(userCertificate);
  }

  private static OpcUaDevice.Builder device(OpcUaSimulator simulator) {
    return OpcUaDevice.builder("line", simulator.endpointUrl())
        .trust(
            new OpcUaServerTrust(
                List.of(), Set.of(simulator.certificateSha256()), Optional.empty()))
        .tags(
            List.of(
                fast("count", simulator.nodeId("Line/Count")),
                fast("speed", simulator.nodeId("Line/Speed"))));
  }

  /**
   * A subscribed tag sampled at the simulator's tick, so that tests wait one tick, not one second.
   */
  private static OpcUaTag fast(String name, String nodeId) {
    return new OpcUaTag(
        name, nodeId, OpcUaTag.Mode.SUBSCRIBE, Duration.ofMillis(100), 1, OpcUaDeadband.none(), "");
  }

  private void start(boolean development, OpcUaDevice... devices) throws Exception {
    component = new OpcUaComponent();
    component.setDevelopmentMode(development);
    component.setApplicationIdentity(gateway);
    component.setConfigDirectory("/etc/trustbridge");
    component.setReconnectDelay(100);
    component.setMaxReconnectDelay(400);
    for (OpcUaDevice device : devices) {
      component.addDevice(device);
    }
    camel = new DefaultCamelContext();
    camel.addComponent("opcua", component);
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            for (OpcUaDevice device : devices) {
              from("opcua:" + device.id())
                  .process(
                      exchange -> {
                        SampleBatch batch = exchange.getIn().getBody(SampleBatch.class);
                        assertThat(exchange.getIn().getHeader(TrustBridgeHeaders.DEVICE_ID))
                            .isEqualTo(batch.deviceId());
                        received.add(batch);
                      });
            }
          }
        });
    camel.start();
  }

  @AfterEach
  void stopCamel() {
    if (camel != null) {
      camel.stop();
    }
  }

  private Sample nextGood(String tag) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> find(tag, Quality.GOOD), Optional::isPresent)
        .orElseThrow();
  }

  private Optional<Sample> find(String tag, Quality quality) throws InterruptedException {
    SampleBatch batch = received.poll(200, TimeUnit.MILLISECONDS);
    if (batch == null) {
      return Optional.empty();
    }
    return batch.samples().stream()
        .filter(s -> s.tag().equals(tag) && s.quality() == quality)
        .findFirst();
  }

  private void assertNothingArrivesFor(Duration duration) throws InterruptedException {
    received.clear();
    assertThat(received.poll(duration.toMillis(), TimeUnit.MILLISECONDS)).isNull();
  }

  @ParameterizedTest
  @EnumSource(
      value = OpcUaSecurityPolicy.class,
      names = {"BASIC256_SHA256", "AES128_SHA256_RSA_OAEP", "AES256_SHA256_RSA_PSS"})
  void subscribe_signAndEncryptWithEachPolicy_deliversValues(OpcUaSecurityPolicy policy)
      throws Exception {
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.opcua")) {
      start(
          false,
          device(PLANT.simulator()).security(policy, OpcUaSecurityMode.SIGN_AND_ENCRYPT).build());

      assertThat(nextGood("speed").value()).isEqualTo(21.5);
      long first = (Long) nextGood("count").value();
      await().atMost(Duration.ofSeconds(5)).until(() -> (Long) nextGood("count").value() > first);
      assertThat(log.has("opcua device up", "security=" + policy.configName() + "/SignAndEncrypt"))
          .isTrue();
    }
  }

  @Test
  void noPolicyConfigured_connectsWithTheStrongestOffered() throws Exception {
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.opcua")) {
      start(false, device(PLANT.simulator()).build());

      nextGood("speed");
      assertThat(log.has("opcua device up", "security=Aes256_Sha256_RsaPss/SignAndEncrypt"))
          .isTrue();
    }
  }

  @Test
  void polledTags_mapTypesAndStatusToQuality() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    start(
        false,
        device(simulator)
            .pollInterval(Duration.ofMillis(200))
            .tags(
                List.of(
                    OpcUaTag.polled("running", simulator.nodeId("Line/Running")),
                    OpcUaTag.polled("limit", simulator.nodeId("Line/Limit")),
                    OpcUaTag.polled("state", simulator.nodeId("Line/State")),
                    OpcUaTag.polled("missing", simulator.nodeId("Line/NoSuchNode"))))
            .build());

    SampleBatch batch = received.poll(10, TimeUnit.SECONDS);

    assertThat(batch).isNotNull();
    assertThat(batch.samples())
        .extracting(Sample::tag, Sample::quality, Sample::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("running", Quality.GOOD, true),
            org.assertj.core.groups.Tuple.tuple("limit", Quality.GOOD, 7L),
            // a String has no place in a sample; an unknown node is Bad_NodeIdUnknown
            org.assertj.core.groups.Tuple.tuple("state", Quality.BAD, null),
            org.assertj.core.groups.Tuple.tuple("missing", Quality.BAD, null));
  }

  @Test
  void subscribedTagOfUnknownNode_isRefusedByNameAndYieldsABadSample() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.opcua")) {
      start(
          false,
          device(simulator)
              .tags(
                  List.of(
                      fast("speed", simulator.nodeId("Line/Speed")),
                      fast("missing", simulator.nodeId("Line/NoSuchNode"))))
              .build());

      Sample refused =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> find("missing", Quality.BAD), Optional::isPresent)
              .orElseThrow();
      assertThat(refused.value()).isNull();
      assertThat(nextGood("speed").value()).isEqualTo(21.5);
      assertThat(
              log.has(
                  "WARN opcua monitored item refused device=line tag=missing",
                  "nodeId=" + simulator.nodeId("Line/NoSuchNode"),
                  "status=Bad_NodeIdUnknown"))
          .isTrue();
      assertThat(
              log.has(
                  "WARN opcua monitored items refused device=line refused=1 of=2",
                  "Bad_NodeIdUnknown=1"))
          .isTrue();
      assertThat(log.has("opcua device up device=line", "subscribed=1 refused=1")).isTrue();
    }
  }

  @Test
  void queueOverflowInTheServer_isCountedAndLogged() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.opcua")) {
      // the count changes every 100 ms tick; a queue of two per 500 ms publishing interval
      // overflows, and the server marks the values it kept with the Overflow bit
      start(
          false,
          device(simulator)
              .tags(
                  List.of(
                      new OpcUaTag(
                          "count",
                          simulator.nodeId("Line/Count"),
                          OpcUaTag.Mode.SUBSCRIBE,
                          Duration.ofMillis(500),
                          2,
                          OpcUaDeadband.none(),
                          "")))
              .build());

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> log.has("WARN opcua server queue overflow device=line overflowedSamples="));
      assertThat(nextGood("count").value()).isInstanceOf(Long.class);
    }
  }

  @Test
  void slowRoute_holdsValuesBackInTheServerInsteadOfQueueingStaleBatches() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    BlockingQueue<Long> counts = new LinkedBlockingQueue<>();
    AtomicBoolean first = new AtomicBoolean(true);
    component = new OpcUaComponent();
    component.setApplicationIdentity(gateway);
    component.addDevice(
        device(simulator).tags(List.of(fast("count", simulator.nodeId("Line/Count")))).build());
    camel = new DefaultCamelContext();
    camel.addComponent("opcua", component);
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("opcua:line")
                .process(
                    exchange -> {
                      Sample sample = exchange.getIn().getBody(SampleBatch.class).samples().get(0);
                      if (sample.quality() == Quality.GOOD) {
                        counts.add((Long) sample.value());
                        if (first.getAndSet(false)) {
                          // the route stalls for two seconds, twenty ticks
                          Thread.sleep(2_000);
                        }
                      }
                    });
          }
        });
    camel.start();

    long stalled = counts.poll(10, TimeUnit.SECONDS);
    List<Long> after = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      after.add(counts.poll(5, TimeUnit.SECONDS) - stalled);
    }

    // no backlog of twenty batches one tick apart: within the two Publish responses that were
    // under way, the next batch carries a value from after the stall
    assertThat(after).anyMatch(ticks -> ticks >= 15);
  }

  @Test
  void usernameUser_rightPasswordDelivers_wrongPasswordIsRefused() throws Exception {
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.opcua")) {
      start(
          false,
          device(PLANT.simulator())
              .user(new OpcUaUser.UsernamePassword("operator", "s3cret pass"))
              .build(),
          device(PLANT.simulator())
              .id("intruder")
              .user(new OpcUaUser.UsernamePassword("operator", "guess"))
              .build());

      nextGood("speed");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> log.has("opcua device down device=intruder", "Bad_UserAccessDenied"));
      assertThat(log.lines()).noneMatch(line -> line.contains("guess"));
    }
  }

  @Test
  void x509User_trustedCertificate_delivers() throws Exception {
    start(
        false,
        device(PLANT.simulator())
            .user(new OpcUaUser.Certificate(userCertificate, userKeys.getPrivate()))
            .build());

    assertThat(nextGood("speed").value()).isEqualTo(21.5);
  }

  @Test
  void unknownServerCertificate_isRefusedWithSubjectThumbprintAndTrustCommand() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.opcua")) {
      start(false, device(simulator).trust(OpcUaServerTrust.none()).build());

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> log.has("opcua device down device=line", "untrusted certificate"));
      String sha256 = simulator.certificateSha256();
      assertThat(log.lines())
          .anyMatch(
              line ->
                  line.contains(
                          "subject='" + simulator.certificate().getSubjectX500Principal().getName())
                      && line.contains("sha256=" + sha256)
                      && line.contains(
                          "trustbridge opcua trust --config /etc/trustbridge --device line"
                              + " --thumbprint "
                              + sha256));
      assertThat(received)
          .allMatch(batch -> batch.samples().stream().allMatch(s -> s.quality() == Quality.BAD));
    }
  }

  @Test
  void unknownServerCertificate_inDevelopmentMode_isTrustedOnFirstUseAndAudited() throws Exception {
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.opcua")) {
      start(true, device(PLANT.simulator()).trust(OpcUaServerTrust.none()).build());

      nextGood("speed");
      assertThat(log.has("WARN", "trusted on first use", PLANT.simulator().certificateSha256()))
          .isTrue();
    }
  }

  @Test
  void certificateInTrustDirectory_isTrustedWithoutRestart(@TempDir Path trusted) throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    start(
        false,
        device(simulator)
            .trust(new OpcUaServerTrust(List.of(), Set.of(), Optional.of(trusted)))
            .build());
    assertThat(received.poll(1, TimeUnit.SECONDS))
        .satisfiesAnyOf(
            batch -> assertThat(batch).isNull(),
            batch -> assertThat(batch.samples()).allMatch(s -> s.quality() == Quality.BAD));

    Files.write(trusted.resolve("line.der"), simulator.certificate().getEncoded());

    assertThat(nextGood("speed").value()).isEqualTo(21.5);
  }

  @Test
  void serverCertificateChanged_reconnectIsRefusedAsUntrusted() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.opcua")) {
      start(false, device(simulator).pollInterval(Duration.ofMillis(100)).build());
      nextGood("speed");

      simulator.changeCertificate();

      String renewed = simulator.certificateSha256();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  log.has(
                      "WARN opcua device still down device=line",
                      "untrusted certificate",
                      "--thumbprint " + renewed));
      received.clear();
      assertThat(received.poll(1, TimeUnit.SECONDS).samples())
          .allMatch(s -> s.quality() == Quality.BAD);
    }
  }

  @Test
  void securityNone_outsideDevelopmentMode_isRefusedAtRegistration() {
    OpcUaComponent production = new OpcUaComponent();

    assertThatThrownBy(
            () ->
                production.addDevice(
                    device(PLANT.simulator())
                        .security(OpcUaSecurityPolicy.NONE, OpcUaSecurityMode.NONE)
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("security None is allowed in development mode only");
  }

  @Test
  void fingerprintMatches_delivers_mismatchStopsTheFlow() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    try (LogCapture log = new LogCapture("dev.trustbridge.adapters.opcua")) {
      start(
          false,
          device(simulator)
              .fingerprint(
                  new OpcUaFingerprint(
                      Optional.of(simulator.applicationUri()),
                      Optional.of(simulator.certificateSha256())))
              .build(),
          device(simulator)
              .id("impostor")
              .fingerprint(
                  new OpcUaFingerprint(
                      Optional.of("urn:trustbridge:sim:other-line"), Optional.empty()))
              .build());

      nextGood("speed");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  log.has(
                      "ERROR opcua device flow stopped device=impostor",
                      "registered with ApplicationUri urn:trustbridge:sim:other-line",
                      "is " + simulator.applicationUri()));
      Thread.sleep(500);
      assertThat(received).noneMatch(batch -> batch.deviceId().equals("impostor"));
      assertThat(log.lines()).filteredOn(line -> line.contains("device=impostor")).hasSize(1);
    }
  }

  @Test
  void serverRestart_yieldsBadSamplesThenValuesResume() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    start(false, device(simulator).pollInterval(Duration.ofMillis(100)).build());
    nextGood("speed");

    simulator.stopServer();
    Sample bad =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> find("speed", Quality.BAD), Optional::isPresent)
            .orElseThrow();
    assertThat(bad.value()).isNull();
    simulator.startServer();

    long started = System.nanoTime();
    nextGood("speed");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    long before = (Long) nextGood("count").value();
    await().atMost(Duration.ofSeconds(5)).until(() -> (Long) nextGood("count").value() > before);
  }

  @Test
  void whileDownNone_outageDeliversNothing() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    start(
        false,
        device(simulator).pollInterval(Duration.ofMillis(100)).whileDown(WhileDown.NONE).build());
    nextGood("speed");

    simulator.stopServer();
    Thread.sleep(300);
    assertNothingArrivesFor(Duration.ofMillis(800));
    simulator.startServer();

    nextGood("speed");
  }

  @Test
  void fiftyReconnectCycles_leakNoThreads() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    start(false, device(simulator).build());
    nextGood("speed");
    // the first cycles let Milo's and the simulator's shared pools reach their working size
    for (int cycle = 0; cycle < 5; cycle++) {
      restartAndRecover(simulator);
    }
    int threadsBefore = Thread.activeCount();

    for (int cycle = 0; cycle < 50; cycle++) {
      restartAndRecover(simulator);
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> Thread.activeCount() <= threadsBefore + 5);
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("opcua-line")))
        .hasSize(1);
  }

  private void restartAndRecover(OpcUaSimulator simulator) {
    simulator.restart();
    received.clear();
    nextGood("count");
  }

  @Test
  void writer_forCommands_reportsAccessAndTheServersAnswer() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    start(
        false,
        device(simulator)
            .tags(
                List.of(
                    fast("setpoint", simulator.nodeId("Line/Setpoint")),
                    fast("speed", simulator.nodeId("Line/Speed"))))
            .build());
    nextGood("speed");
    DeviceWriter writer = component.writer();

    assertThat(writer.access("line", "setpoint")).isEqualTo(DeviceWriter.TagAccess.WRITABLE);
    assertThat(writer.access("line", "nothing")).isEqualTo(DeviceWriter.TagAccess.UNKNOWN_TAG);
    assertThat(writer.access("press", "setpoint")).isEqualTo(DeviceWriter.TagAccess.UNKNOWN_DEVICE);
    assertThat(writer.write("line", "setpoint", 1500L)).contains("Good");
    assertThat(simulator.value("Line/Setpoint")).isEqualTo(1500);
    assertThatThrownBy(() -> writer.write("line", "speed", 30.0))
        .isInstanceOf(DeviceWriteException.class)
        .hasMessageContaining("Bad_UserAccessDenied");
    assertThatThrownBy(() -> writer.write("line", "setpoint", 1L << 40))
        .isInstanceOf(DeviceWriteException.class)
        .satisfies(
            e ->
                assertThat(((DeviceWriteException) e).reason())
                    .isEqualTo(DeviceWriteException.Reason.INVALID_VALUE));
  }

  @Test
  void write_convertsToTheNodeTypeAndReturnsTheServerStatus() throws Exception {
    OpcUaSimulator simulator = PLANT.simulator();
    start(
        false,
        device(simulator)
            .tags(
                List.of(
                    fast("setpoint", simulator.nodeId("Line/Setpoint")),
                    fast("speed", simulator.nodeId("Line/Speed"))))
            .build());
    nextGood("speed");

    StatusCode written =
        component.write("line", "setpoint", 1600L).toCompletableFuture().get(5, TimeUnit.SECONDS);
    StatusCode refused =
        component.write("line", "speed", 30.0).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(written.isGood()).isTrue();
    assertThat(simulator.value("Line/Setpoint")).isEqualTo(1600);
    assertThat(refused.value()).isEqualTo(StatusCodes.Bad_UserAccessDenied);
    assertThatThrownBy(
            () ->
                component
                    .write("line", "setpoint", 1L << 40)
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the range of Integer");
    assertThatThrownBy(
            () ->
                component.write("line", "nope", 1L).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .hasMessageContaining("has no tag 'nope'");
  }
}
