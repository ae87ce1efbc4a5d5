package dev.trustbridge.policy.command;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of one command message: the body of its signed result and of its audit record.
 *
 * @param id the command's id; empty when the message could not be read
 * @param device the device named by the command, or by the topic when the message could not be read
 * @param tag the tag, when the command could be read
 * @param status done, refused or failed
 * @param reason a stable code (see docs/policy.md); {@code ok} when done
 * @param detail what exactly, for the operator
 * @param answer the device's answer to the write, when it was attempted
 * @param signer the signer certificate's subject, when the signature was checked
 * @param rule the policy rule that decided, when one did
 * @param time when the gateway decided
 */
public record CommandOutcome(
    Optional<String> id,
    String device,
    Optional<String> tag,
    Status status,
    String reason,
    String detail,
    Optional<String> answer,
    Optional<String> signer,
    Optional<String> rule,
    Instant time) {

  /** Whether the command was executed. */
  public enum Status {
    /** Written to the device, which confirmed it. */
    DONE("done"),
    /** Not executed: the reason says which check refused it. The device was not touched. */
    REFUSED("refused"),
    /** Permitted, but the device could not be written. */
    FAILED("failed");

    private final String wireName;

    Status(String wireName) {
      this.wireName = wireName;
    }

    /** The name in result messages. */
    public String wireName() {
      return wireName;
    }
  }

  public CommandOutcome {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(time, "time");
  }
}
