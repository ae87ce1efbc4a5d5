package dev.trustbridge.benchmarks.load;

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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The operator of ctrl-writeback: signs setpoint commands with a certificate of the run's PKI that
 * grants the role {@code operator}, sends them one device after another, and measures each from
 * before signing to the arrival of the gateway's signed result.
 */
final class CommandDriver {

  private static final String OPERATOR = "load-operator";
  private static final int SLOWEST_SHOWN = 3;
  private static final DateTimeFormatter TIME_OF_DAY =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  /**
   * One command sent.
   *
   * @param id its id
   * @param device the device it writes to
   * @param sentAt the wall-clock time before it was signed, to find it in the gateway's logs
   * @param sentNanos {@link System#nanoTime()} at the same moment
   */
  record Sent(String id, String device, Instant sentAt, long sentNanos) {}

  private final CloudConsumer consumer;
  private final ECDSASigner signer;
  private final List<X509Certificate> chain;
  private final List<String> devices;
  private final List<Sent> sent = new ArrayList<>();

  CommandDriver(DevelopmentPki pki, CloudConsumer consumer, List<String> devices) throws Exception {
    IssuedCertificate operator = pki.operatorCertificate(OPERATOR, "operator");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(operator.keyStoreFile())) {
      store.load(in, pki.password());
    }
    this.signer = new ECDSASigner((ECPrivateKey) store.getKey(OPERATOR, pki.password()));
    this.chain =
        Arrays.stream(store.getCertificateChain(OPERATOR))
            .map(X509Certificate.class::cast)
            .toList();
    this.consumer = consumer;
    this.devices = devices;
  }

  /** Sends {@code perSecond} commands a second until {@code until}. */
  void run(int perSecond, Instant until) throws Exception {
    long period = 1_000_000_000L / perSecond;
    long next = System.nanoTime();
    int n = 0;
    while (Instant.now().isBefore(until)) {
      String device = devices.get(n % devices.size());
      double value = 20 + n % 60;
      n++;
      long started = System.nanoTime();
      Instant now = Instant.now();
      Command command =
          new Command(
              UUID.randomUUID().toString(),
              PlantFiles.SITE,
              PlantFiles.GATEWAY,
              device,
              PlantFiles.SETPOINT,
              value,
              now.minusSeconds(5),
              now.plus(Duration.ofMinutes(1)));
      consumer.publish(
          "tb/v1/" + PlantFiles.SITE + "/" + PlantFiles.GATEWAY + "/" + device + "/cmd",
          CommandFormat.sign(command, signer, JWSAlgorithm.ES256, chain));
      sent.add(new Sent(command.id(), device, now, started));
      next += period;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
  }

  /**
   * What became of the commands sent: round trips in milliseconds of those answered {@code done},
   * and the count of the others.
   */
  Outcome outcome() {
    List<Double> doneMillis = new ArrayList<>();
    List<Slow> done = new ArrayList<>();
    int refusedOrFailed = 0;
    int unanswered = 0;
    for (Sent command : sent) {
      Optional<CloudConsumer.Result> result = consumer.result(command.id());
      if (result.isEmpty()) {
        unanswered++;
      } else if ("done".equals(result.get().status())) {
        double millis = (result.get().receivedNanos() - command.sentNanos()) / 1e6;
        doneMillis.add(millis);
        done.add(new Slow(command, millis));
      } else {
        refusedOrFailed++;
      }
    }
    List<String> slowest =
        done.stream()
            .sorted(Comparator.comparingDouble(Slow::millis).reversed())
            .limit(SLOWEST_SHOWN)
            .map(
                slow ->
                    String.format(
                        Locale.ROOT,
                        "%s %s %.0f ms",
                        TIME_OF_DAY.format(slow.command().sentAt()),
                        slow.command().device(),
                        slow.millis()))
            .toList();
    return new Outcome(sent.size(), doneMillis, refusedOrFailed, unanswered, slowest);
  }

  private record Slow(Sent command, double millis) {}

  /**
   * @param sent commands sent
   * @param doneMillis round trip of every command answered {@code done}
   * @param refusedOrFailed commands answered otherwise
   * @param unanswered commands without a result
   * @param slowest the slowest done, each as the UTC time of day it was sent, device and round trip
   */
  record Outcome(
      int sent,
      List<Double> doneMillis,
      int refusedOrFailed,
      int unanswered,
      List<String> slowest) {}
}
