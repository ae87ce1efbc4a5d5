package dev.trustbridge.policy.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbridge.trust.envelope.EnvelopeContent;
import dev.trustbridge.trust.envelope.EnvelopeSample;
import dev.trustbridge.trust.envelope.StreamId;
import dev.trustbridge.trust.envelope.VerificationResult;
import java.util.Optional;

/**
 * One verified or rejected envelope as a JSON line: {@code
 * {"result":"VERIFIED","site":…,"gateway":…, "device":…,"epoch":…,"seq":…,"time":…,"samples":[…]}}
 * or {@code {"result":"GAP","detail":…, "missing":3,…}} — what verification routes write and {@code
 * trustbridge verify --json} prints.
 */
public final class VerificationReport {

  /** The result word of an envelope that verified. */
  public static final String VERIFIED = "VERIFIED";

  private static final ObjectMapper JSON = new ObjectMapper();

  private VerificationReport() {}

  /** {@code VERIFIED} or the failure kind. */
  public static String outcome(VerificationResult result) {
    return result instanceof VerificationResult.Failed failed ? failed.failure().name() : VERIFIED;
  }

  /** The stream the envelope belongs to, when it could be read far enough to know. */
  public static Optional<StreamId> stream(VerificationResult result) {
    if (result instanceof VerificationResult.Verified verified) {
      return Optional.of(verified.content().stream());
    }
    return ((VerificationResult.Failed) result).stream();
  }

  /** The result as one line of JSON. */
  public static String json(VerificationResult result) {
    ObjectNode line = JSON.createObjectNode().put("result", outcome(result));
    stream(result)
        .ifPresent(
            stream ->
                line.put("site", stream.site())
                    .put("gateway", stream.gateway())
                    .put("device", stream.device()));
    Optional<EnvelopeContent> content = Optional.empty();
    if (result instanceof VerificationResult.Verified verified) {
      content = Optional.of(verified.content());
    } else {
      VerificationResult.Failed failed = (VerificationResult.Failed) result;
      line.put("detail", failed.detail());
      if (failed.missing() > 0) {
        line.put("missing", failed.missing());
      }
      content = failed.content();
    }
    content.ifPresent(
        envelope -> {
          line.put("epoch", envelope.epoch())
              .put("seq", envelope.seq())
              .put("time", envelope.time().toString());
          ArrayNode samples = line.putArray("samples");
          for (EnvelopeSample sample : envelope.samples()) {
            ObjectNode node =
                samples
                    .addObject()
                    .put("tag", sample.tag())
                    .put("quality", sample.quality())
                    .put("unit", sample.unit());
            node.set("value", JSON.valueToTree(sample.value()));
            node.put("sourceTime", sample.sourceTime().toString());
          }
        });
    return line.toString();
  }
}
