package dev.trustbridge.runtime.health;

import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the gateway's identity: which vault holds the key, whether it is hardware, whether
 * the key is enrolled and its certificate valid. A development vault is reported as such.
 */
public final class VaultHealthCheck extends AbstractHealthCheck {

  /** The check's id in Camel's health registry. */
  public static final String ID = "trustbridge-vault";

  private final Vault vault;
  private final Identity identity;

  public VaultHealthCheck(Vault vault, Identity identity) {
    super("trustbridge", ID);
    this.vault = vault;
    this.identity = identity;
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    X509Certificate leaf = identity.certificateChain().get(0);
    boolean valid = Instant.now().isBefore(leaf.getNotAfter().toInstant());
    builder
        .detail("vault.backend", vault.backend())
        .detail("vault.hardware", vault.isHardware())
        .detail("identity.key", identity.keyUri())
        .detail("identity.exportable", identity.isExportable())
        .detail("identity.enrolled", identity.isEnrolled())
        .detail("identity.notAfter", leaf.getNotAfter().toInstant().toString());
    if (!valid) {
      builder
          .message("the identity certificate expired on " + leaf.getNotAfter().toInstant())
          .down();
    } else if (!vault.isHardware()) {
      builder.message("development vault: the identity key is in a file and can be copied").up();
    } else {
      builder.up();
    }
  }
}
