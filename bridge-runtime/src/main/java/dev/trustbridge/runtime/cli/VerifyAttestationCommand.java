package dev.trustbridge.runtime.cli;

import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.trust.attest.AttestationVerifier;
import dev.trustbridge.trust.attest.AttestationVerifier.Verdict;
import dev.trustbridge.trust.attest.GoldenSet;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code trustbridge verify attestation}: checks a gateway's attestation evidence against a golden
 * set, from a saved file or live from the broker (the broker options are those of {@code verify}),
 * optionally sending a fresh challenge first. Exit 0 only when the verdict is TRUSTED.
 */
@Command(
    name = "attestation",
    description =
        "Verify a gateway's attestation evidence against a golden set: from FILE, or from the"
            + " broker given to 'verify' (--broker, --trust-root, ...) with --site and --gateway.")
final class VerifyAttestationCommand implements Callable<Integer> {

  private static final int NONCE_BYTES = 32;

  @Spec private CommandSpec spec;

  @ParentCommand private VerifyCommand verify;

  @Option(names = "--golden", required = true, paramLabel = "FILE", description = "Golden set.")
  private Path golden;

  @Option(
      names = "--trust-root",
      paramLabel = "PEM",
      description = "The fleet CA certificate(s); may also be given to 'verify'.")
  private Path trustRoot;

  @Option(
      names = "--max-age",
      defaultValue = "15m",
      paramLabel = "DURATION",
      description = "Oldest evidence accepted without a challenge (default: ${DEFAULT-VALUE}).")
  private String maxAge;

  @Option(names = "--site", paramLabel = "SITE", description = "The gateway's site (broker mode).")
  private String site;

  @Option(names = "--gateway", paramLabel = "ID", description = "The gateway (broker mode).")
  private String gateway;

  @Option(
      names = "--challenge",
      description = "Send a fresh nonce and wait for the evidence that answers it (broker mode).")
  private boolean challenge;

  @Option(
      names = "--timeout",
      defaultValue = "60s",
      paramLabel = "DURATION",
      description = "How long to wait for evidence (default: ${DEFAULT-VALUE}).")
  private String timeout;

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "Saved evidence (the JWS published on $attestation).")
  private Path evidenceFile;

  @Override
  public Integer call() throws Exception {
    Path roots = trustRoot != null ? trustRoot : verify.trustRoot;
    if (roots == null) {
      throw new ParameterException(spec.commandLine(), "verify attestation needs --trust-root");
    }
    AttestationVerifier verifier =
        new AttestationVerifier(
            EnvelopeVerifier.create(KeysCommand.readChain(roots)),
            GoldenSet.read(golden),
            CmdCommand.duration(maxAge),
            Clock.systemUTC());
    Verdict verdict;
    if (evidenceFile != null) {
      verdict = verifier.verify(Files.readAllBytes(evidenceFile), Optional.empty());
    } else {
      if (verify.broker == null || site == null || gateway == null) {
        throw new ParameterException(
            spec.commandLine(),
            "verify attestation needs FILE, or 'verify --broker URI' with --site and --gateway");
      }
      verdict = fromBroker(verifier);
    }
    spec.commandLine().getOut().println(verdict.summary());
    return verdict.trusted() ? 0 : TrustBridgeCli.EXIT_FAILURE;
  }

  private Verdict fromBroker(AttestationVerifier verifier) throws Exception {
    Optional<byte[]> nonce = Optional.empty();
    if (challenge) {
      byte[] bytes = new byte[NONCE_BYTES];
      new SecureRandom().nextBytes(bytes);
      nonce = Optional.of(bytes);
    }
    Optional<byte[]> expected = nonce;
    String topic = "tb/v1/" + site + "/" + gateway + "/$attestation";
    CompletableFuture<Verdict> answered = new CompletableFuture<>();
    CamelContext camel = new DefaultCamelContext();
    MqttComponent mqtt = new MqttComponent();
    mqtt.setSiteId(site);
    mqtt.setGatewayId(gateway);
    mqtt.addUplink(verify.uplink());
    camel.addComponent("mqtt", mqtt);
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("mqtt:broker?topic=RAW(" + topic + ")")
                .routeId("verify-attestation")
                .process(
                    exchange -> {
                      Verdict verdict =
                          verifier.verify(exchange.getMessage().getBody(byte[].class), expected);
                      // the retained evidence of before the challenge is not the answer
                      boolean earlier =
                          expected.isPresent()
                              && verdict.problems().stream().anyMatch(p -> p.startsWith("nonce:"));
                      if (!earlier) {
                        answered.complete(verdict);
                      }
                    });
          }
        });
    camel.start();
    try {
      if (nonce.isPresent()) {
        mqtt.publish(
                "broker", topic + "/challenge", nonce.get(), false, CmdCommand.duration(timeout))
            .join();
      }
      return answered.get(CmdCommand.duration(timeout).toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      camel.stop();
    }
  }
}
