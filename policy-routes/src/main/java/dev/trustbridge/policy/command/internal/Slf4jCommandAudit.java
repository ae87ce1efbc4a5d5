package dev.trustbridge.policy.command.internal;

import dev.trustbridge.policy.command.CommandAudit;
import dev.trustbridge.policy.command.CommandOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line per command decision. */
public final class Slf4jCommandAudit implements CommandAudit {

  private static final Logger LOG = LoggerFactory.getLogger("dev.trustbridge.audit.command");

  @Override
  public void record(CommandOutcome outcome) {
    LOG.info(
        "command id={} device={} tag={} status={} reason={} signer=\"{}\" rule={} detail=\"{}\"",
        outcome.id().orElse("-"),
        outcome.device(),
        outcome.tag().orElse("-"),
        outcome.status().wireName(),
        outcome.reason(),
        outcome.signer().orElse("-"),
        outcome.rule().orElse("-"),
        outcome.detail().replace('"', '\''));
  }
}
