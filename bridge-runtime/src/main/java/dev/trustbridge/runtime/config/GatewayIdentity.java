package dev.trustbridge.runtime.config;

/**
 * Who a gateway is and where its identity key lives: the part of {@code trustbridge.yaml} that key
 * provisioning needs.
 *
 * @param site the site (plant) id
 * @param gatewayId the gateway's id within the site
 * @param securityMode how strictly trust is enforced
 * @param key the vault and the identity key's alias in it
 */
public record GatewayIdentity(
    String site, String gatewayId, SecurityMode securityMode, IdentityConfig key) {

  /** The subject that certificate requests carry unless the operator names another. */
  public String defaultSubject() {
    return "CN=" + gatewayId + ",OU=" + site;
  }
}
