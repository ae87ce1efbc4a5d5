package dev.trustbridge.runtime.demo;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import dev.trustbridge.policy.command.Command;
import dev.trustbridge.policy.command.CommandFormat;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The demo's operator, whose certificate from the demo CA grants the role {@code operator}: signs
 * one command the demo policy permits (the boiler setpoint) and one it refuses (starting the pump
 * needs a shift lead).
 */
final class DemoOperator {

  private static final String NAME = "demo-operator";

  /**
   * A signed command and where to publish it.
   *
   * @param topic the gateway's command topic of the device
   * @param message the signed command
   */
  record Signed(String topic, byte[] message) {}

  private DemoOperator() {}

  static List<Signed> exampleCommands(DevelopmentPki pki, String site, String gateway)
      throws Exception {
    IssuedCertificate operator = pki.operatorCertificate(NAME, "operator");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(operator.keyStoreFile())) {
      store.load(in, pki.password());
    }
    ECDSASigner signer = new ECDSASigner((ECPrivateKey) store.getKey(NAME, pki.password()));
    List<X509Certificate> chain =
        Arrays.stream(store.getCertificateChain(NAME)).map(X509Certificate.class::cast).toList();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant expires = now.plus(Duration.ofMinutes(1));
    Command setpoint =
        new Command(
            UUID.randomUUID().toString(),
            site,
            gateway,
            "boiler-1",
            "setpoint",
            65.0,
            now,
            expires);
    Command startPump =
        new Command(
            UUID.randomUUID().toString(), site, gateway, "pump-1", "run", true, now, expires);
    return List.of(
        new Signed(
            topic(site, gateway, setpoint),
            CommandFormat.sign(setpoint, signer, JWSAlgorithm.ES256, chain)),
        new Signed(
            topic(site, gateway, startPump),
            CommandFormat.sign(startPump, signer, JWSAlgorithm.ES256, chain)));
  }

  private static String topic(String site, String gateway, Command command) {
    return "tb/v1/" + site + "/" + gateway + "/" + command.device() + "/cmd";
  }
}
