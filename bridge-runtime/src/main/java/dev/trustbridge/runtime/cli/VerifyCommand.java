package dev.trustbridge.runtime.cli;

import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.policy.verify.VerificationReport;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.envelope.VerificationResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.KeyManagerFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trustbridge verify}: the cloud-side check of envelopes after the broker hop — live from a
 * broker (MQTT 5 shared subscriptions spread the load over several verifiers), or from a file.
 */
@Command(
    name = "verify",
    description = "Verify signed envelopes from a broker (or, with 'verify file', from a file).",
    subcommands = {
      VerifyCommand.FromFile.class,
      VerifyAttestationCommand.class,
      VerifyAuditCommand.class
    })
final class VerifyCommand implements Callable<Integer> {

  private static final String CERTS_FILTER = "tb/v1/+/+/$certs";

  @Spec CommandSpec spec;

  // not required for picocli, which would then demand them from 'verify file' too
  @Option(
      names = "--broker",
      paramLabel = "URI",
      description = "ssl://host:port or tcp://host:port (required).")
  String broker;

  @Option(
      names = "--trust-root",
      paramLabel = "PEM",
      description = "The fleet CA certificate(s) (required).")
  Path trustRoot;

  @Option(
      names = "--topic",
      defaultValue = "tb/v1/+/+/+/telemetry",
      paramLabel = "FILTER",
      description = "Topic filter of the envelopes (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--share",
      paramLabel = "GROUP",
      description = "Join the MQTT 5 shared subscription of this group.")
  String shareGroup;

  @Option(
      names = "--broker-ca",
      paramLabel = "PEM",
      description = "CA that verifies the broker (default: the JVM's).")
  Path brokerCa;

  @Option(
      names = "--client-keystore",
      paramLabel = "P12",
      description = "PKCS#12 client key for brokers that require one.")
  Path clientKeyStore;

  @Option(
      names = "--client-keystore-password-file",
      paramLabel = "FILE",
      description = "File holding the client key store's password.")
  Path clientKeyStorePasswordFile;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Stop after N envelopes; exit 1 if any failed.")
  Long count;

  @Option(names = "--json", description = "One JSON line per envelope instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (broker == null || trustRoot == null) {
      throw new ParameterException(
          spec.commandLine(),
          "verify needs --broker and --trust-root (or: verify file FILE --trust-root PEM)");
    }
    PrintWriter out = spec.commandLine().getOut();
    EnvelopeVerifier verifier = EnvelopeVerifier.create(KeysCommand.readChain(trustRoot));
    VerificationSummary summary = new VerificationSummary();
    CountDownLatch done = new CountDownLatch(1);
    CamelContext camel = new DefaultCamelContext();
    MqttComponent mqtt = new MqttComponent();
    mqtt.setSiteId("cloud");
    mqtt.setGatewayId("verifier");
    mqtt.addUplink(uplink());
    camel.addComponent("mqtt", mqtt);
    String filter = shareGroup == null ? topic : "$share/" + shareGroup + "/" + topic;
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("mqtt:broker?topic=" + CERTS_FILTER)
                .routeId("verify-published-chains")
                .process(
                    exchange ->
                        verifier.addPublishedChains(exchange.getMessage().getBody(byte[].class)));
            from("mqtt:broker?topic=" + filter)
                .routeId("verify-envelopes")
                .process(
                    exchange -> {
                      VerificationResult result =
                          verifier.verify(exchange.getMessage().getBody(byte[].class));
                      summary.add(result);
                      synchronized (out) {
                        out.println(json ? VerificationReport.json(result) : text(result));
                        out.flush();
                      }
                      if (count != null && summary.total() >= count) {
                        done.countDown();
                      }
                    });
          }
        });
    Thread hook = new Thread(done::countDown, "trustbridge-verify-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    camel.start();
    try {
      done.await();
    } finally {
      camel.stop();
      if (count != null) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
      summary.print(spec.commandLine().getErr());
    }
    return summary.failed() > 0 ? TrustBridgeCli.EXIT_FAILURE : 0;
  }

  UplinkSettings uplink() throws IOException, GeneralSecurityException {
    UplinkSettings.Builder builder =
        UplinkSettings.builder("broker", broker)
            .clientId("trustbridge-verify-" + UUID.randomUUID().toString().substring(0, 8))
            .gatewayStatus(false);
    if (brokerCa != null) {
      builder.caCertificateFile(brokerCa);
    }
    if (clientKeyStore != null) {
      if (clientKeyStorePasswordFile == null) {
        throw new IllegalArgumentException(
            "--client-keystore needs --client-keystore-password-file");
      }
      char[] password = Files.readString(clientKeyStorePasswordFile).strip().toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(clientKeyStore)) {
        store.load(in, password);
      }
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      builder.clientKey(keys, clientKeyStore.toString());
    }
    return builder.build();
  }

  static String text(VerificationResult result) {
    String stream =
        VerificationReport.stream(result).map(VerificationSummary::name).orElse("(unreadable)");
    if (result instanceof VerificationResult.Verified verified) {
      return "VERIFIED "
          + stream
          + " #"
          + verified.content().seq()
          + " "
          + verified.content().samples().size()
          + " samples";
    }
    VerificationResult.Failed failed = (VerificationResult.Failed) result;
    return failed.failure()
        + " "
        + stream
        + failed.content().map(content -> " #" + content.seq()).orElse("")
        + (failed.missing() > 0 ? " missing " + failed.missing() : "")
        + ": "
        + failed.detail();
  }

  /** {@code trustbridge verify file FILE}: envelopes saved one per line, checked in order. */
  @Command(name = "file", description = "Verify envelopes saved one per line in a file, in order.")
  static final class FromFile implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "One envelope (JSON) per line.")
    Path file;

    @Option(
        names = "--trust-root",
        required = true,
        paramLabel = "PEM",
        description = "The fleet CA certificate(s).")
    Path trustRoot;

    @Option(
        names = "--certs",
        paramLabel = "JSON",
        description = "Published chains document(s) for thumbprint-only envelopes.")
    List<Path> chains;

    @Option(names = "--json", description = "One JSON line per envelope instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      EnvelopeVerifier verifier = EnvelopeVerifier.create(KeysCommand.readChain(trustRoot));
      for (Path document : Optional.ofNullable(chains).orElse(List.of())) {
        verifier.addPublishedChains(Files.readAllBytes(document));
      }
      VerificationSummary summary = new VerificationSummary();
      PrintWriter out = spec.commandLine().getOut();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        VerificationResult result = verifier.verify(line.strip().getBytes(StandardCharsets.UTF_8));
        summary.add(result);
        out.println(json ? VerificationReport.json(result) : text(result));
      }
      out.flush();
      summary.print(spec.commandLine().getErr());
      return summary.failed() > 0 ? TrustBridgeCli.EXIT_FAILURE : 0;
    }
  }
}
