package dev.trustbridge.trust.envelope;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A gateway statement other than an envelope (see {@link SessionKeys#signStatement}) after its
 * signature, chain and gateway identity checked out.
 *
 * @param type its {@code typ}
 * @param site the site, the identity certificate's OU
 * @param gateway the gateway, the identity certificate's CN
 * @param time the gateway time it names, at which the chain was validated
 * @param payload the payload bytes, a JSON object
 * @param chain the session certificate, the identity certificate, then the rest as sent
 */
public record SignedStatement(
    String type,
    String site,
    String gateway,
    Instant time,
    byte[] payload,
    List<X509Certificate> chain) {

  public SignedStatement {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(time, "time");
    payload = payload.clone();
    chain = List.copyOf(chain);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }
}
