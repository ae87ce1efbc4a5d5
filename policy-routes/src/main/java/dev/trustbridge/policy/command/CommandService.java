package dev.trustbridge.policy.command;

import dev.trustbridge.adapters.DeviceWriteException;
import dev.trustbridge.adapters.DeviceWriter;
import dev.trustbridge.adapters.DeviceWriter.TagAccess;
import dev.trustbridge.policy.command.CommandOutcome.Status;
import dev.trustbridge.policy.command.internal.ReplayCache;
import dev.trustbridge.policy.rules.CommandRequest;
import dev.trustbridge.policy.rules.Decision;
import dev.trustbridge.policy.rules.PolicyEnforcer;
import dev.trustbridge.policy.signer.Refusal;
import dev.trustbridge.policy.signer.SignerTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Executes signed commands, default deny: a command is written to its device only if its signature
 * chains to an operator CA, it is meant for this gateway and device, it is inside its validity
 * window and not seen before, the gateway is not quarantined, the device and tag exist and can be
 * written, and the policy permits it for one of the signer's roles. Every message gets an outcome,
 * which goes to the audit and is counted. Messages are handled one at a time.
 */
public final class CommandService implements AutoCloseable {

  /** How far a command's {@code nbf} may lie ahead of the gateway clock. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

  private final String site;
  private final String gateway;
  private final Duration maxValidity;
  private final SignerTrust trust;
  private final ReplayCache replays;
  private final PolicyEnforcer policy;
  private final List<DeviceWriter> writers;
  private final Quarantine quarantine;
  private final CommandAudit audit;
  private final Clock clock;

  private CommandService(
      String site,
      String gateway,
      CommandSettings settings,
      ReplayCache replays,
      PolicyEnforcer policy,
      List<DeviceWriter> writers,
      Quarantine quarantine,
      CommandAudit audit,
      Clock clock) {
    this.site = site;
    this.gateway = gateway;
    this.maxValidity = settings.maxValidity();
    this.trust = new SignerTrust(settings.operatorCas(), CommandFormat.TYPE);
    this.replays = replays;
    this.policy = policy;
    this.writers = List.copyOf(writers);
    this.quarantine = quarantine;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Opens the service; the replay cache is read from {@code replayFile} and kept there.
   *
   * @param writers one per protocol; the first that knows a device writes it
   * @throws IOException if the replay cache cannot be read or written
   */
  public static CommandService open(
      String site,
      String gateway,
      CommandSettings settings,
      Path replayFile,
      PolicyEnforcer policy,
      List<DeviceWriter> writers,
      Quarantine quarantine,
      CommandAudit audit,
      Clock clock)
      throws IOException {
    return new CommandService(
        site,
        gateway,
        settings,
        ReplayCache.open(replayFile, clock),
        policy,
        writers,
        quarantine,
        audit,
        clock);
  }

  /**
   * Checks and, if everything permits it, executes one command message.
   *
   * @param topicDevice the device level of the topic the message arrived on
   */
  public synchronized CommandOutcome execute(String topicDevice, byte[] message) {
    Instant now = clock.instant();
    Optional<String> id = Optional.empty();
    String device = topicDevice;
    Optional<String> tag = Optional.empty();
    Optional<String> signer = Optional.empty();
    CommandOutcome outcome;
    try {
      if (message.length > CommandFormat.MAX_BYTES) {
        throw new Refusal(
            "malformed", "the message has more than " + CommandFormat.MAX_BYTES + " bytes");
      }
      SignerTrust.Verified verified = trust.verify(message, now);
      signer = Optional.of(verified.signer());
      Command command;
      try {
        command = CommandFormat.readPayload(verified.payload());
      } catch (IllegalArgumentException e) {
        throw new Refusal("malformed", e.getMessage());
      }
      id = Optional.of(command.id());
      device = command.device();
      tag = Optional.of(command.tag());
      outcome = authorized(topicDevice, command, verified, now);
    } catch (Refusal refusal) {
      if (id.isEmpty()) {
        // unauthenticated, but it lets the sender match the refusal to what it sent
        id = CommandFormat.peekId(message);
      }
      policy.countCommand(refusal.reason());
      outcome =
          new CommandOutcome(
              id,
              device,
              tag,
              Status.REFUSED,
              refusal.reason(),
              refusal.getMessage(),
              Optional.empty(),
              signer,
              Optional.empty(),
              now);
    }
    audit.record(outcome);
    return outcome;
  }

  private CommandOutcome authorized(
      String topicDevice, Command command, SignerTrust.Verified verified, Instant now)
      throws Refusal {
    if (!command.site().equals(site) || !command.gateway().equals(gateway)) {
      throw new Refusal(
          "wrong-target",
          "the command is meant for gateway " + command.gateway() + " of site " + command.site());
    }
    if (!command.device().equals(topicDevice)) {
      throw new Refusal(
          "wrong-target",
          "the command names device "
              + command.device()
              + " but arrived on the topic of "
              + topicDevice);
    }
    if (now.plus(CLOCK_SKEW).isBefore(command.notBefore())) {
      throw new Refusal("not-yet-valid", "the command is valid from " + command.notBefore());
    }
    if (!now.isBefore(command.expires())) {
      throw new Refusal("expired", "the command expired at " + command.expires());
    }
    if (Duration.between(command.notBefore(), command.expires()).compareTo(maxValidity) > 0) {
      throw new Refusal(
          "window-too-long",
          "the command is valid for longer than "
              + maxValidity
              + "; sign one for a shorter window");
    }
    boolean first;
    try {
      first = replays.firstSeen(command.id(), command.expires());
    } catch (UncheckedIOException e) {
      throw new Refusal("replay-cache", e.getMessage() + ": " + e.getCause().getMessage());
    }
    if (!first) {
      throw new Refusal("replayed", "command id " + command.id() + " was seen before");
    }
    if (quarantine.isQuarantined()) {
      throw new Refusal("quarantined", "the gateway is quarantined: no command is executed");
    }
    DeviceWriter writer = writer(command);
    Decision decision =
        policy.decide(
            new CommandRequest(
                command.device(),
                command.tag(),
                command.value(),
                verified.roles(),
                verified.signer()));
    if (decision instanceof Decision.Deny deny) {
      return outcome(
          command,
          verified,
          Status.REFUSED,
          deny.reason(),
          deny.detail(),
          Optional.empty(),
          deny.rule(),
          now);
    }
    try {
      String answer = writer.write(command.device(), command.tag(), command.value());
      return outcome(
          command,
          verified,
          Status.DONE,
          "ok",
          "written",
          Optional.of(answer),
          decision.rule(),
          now);
    } catch (DeviceWriteException e) {
      boolean invalid = e.reason() == DeviceWriteException.Reason.INVALID_VALUE;
      return outcome(
          command,
          verified,
          invalid ? Status.REFUSED : Status.FAILED,
          invalid ? "invalid-value" : "device-error",
          e.getMessage(),
          invalid ? Optional.empty() : Optional.of(e.getMessage()),
          decision.rule(),
          now);
    }
  }

  private DeviceWriter writer(Command command) throws Refusal {
    for (DeviceWriter writer : writers) {
      TagAccess access = writer.access(command.device(), command.tag());
      switch (access) {
        case UNKNOWN_DEVICE -> {
          continue;
        }
        case UNKNOWN_TAG ->
            throw new Refusal(
                "unknown-tag", "device " + command.device() + " has no tag " + command.tag());
        case READ_ONLY ->
            throw new Refusal(
                "read-only",
                "tag " + command.tag() + " of device " + command.device() + " is read-only");
        case WRITABLE -> {
          return writer;
        }
      }
    }
    throw new Refusal("unknown-device", "no registered device " + command.device());
  }

  private static CommandOutcome outcome(
      Command command,
      SignerTrust.Verified verified,
      Status status,
      String reason,
      String detail,
      Optional<String> answer,
      String rule,
      Instant now) {
    return new CommandOutcome(
        Optional.of(command.id()),
        command.device(),
        Optional.of(command.tag()),
        status,
        reason,
        detail,
        answer,
        Optional.of(verified.signer()),
        Optional.of(rule),
        now);
  }

  @Override
  public void close() {
    replays.close();
  }
}
