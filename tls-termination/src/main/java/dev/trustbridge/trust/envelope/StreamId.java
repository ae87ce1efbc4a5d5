package dev.trustbridge.trust.envelope;

import java.util.Objects;

/**
 * Names one envelope stream: the envelopes of one device, signed by one gateway of one site. The
 * sequence numbers and the hash links run per stream.
 *
 * @param site the site, the organizational unit (OU) of the gateway's identity certificate
 * @param gateway the gateway, the common name (CN) of its identity certificate
 * @param device the device
 */
public record StreamId(String site, String gateway, String device) {

  public StreamId {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(device, "device");
  }

  @Override
  public String toString() {
    return site + "/" + gateway + "/" + device;
  }
}
