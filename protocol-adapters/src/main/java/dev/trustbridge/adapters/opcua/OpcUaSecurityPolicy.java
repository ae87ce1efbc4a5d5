package dev.trustbridge.adapters.opcua;

import java.util.Arrays;
import java.util.Optional;

/**
 * The OPC UA security policies the gateway speaks, weakest first. The deprecated policies
 * (Basic128Rsa15, Basic256) are not offered: a server that supports nothing better is refused.
 */
public enum OpcUaSecurityPolicy {
  /** No signing, no encryption: accepted only in development mode. */
  NONE("None", "http://opcfoundation.org/UA/SecurityPolicy#None"),
  AES128_SHA256_RSA_OAEP(
      "Aes128_Sha256_RsaOaep", "http://opcfoundation.org/UA/SecurityPolicy#Aes128_Sha256_RsaOaep"),
  BASIC256_SHA256("Basic256Sha256", "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256"),
  AES256_SHA256_RSA_PSS(
      "Aes256_Sha256_RsaPss", "http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss");

  private final String configName;
  private final String uri;

  OpcUaSecurityPolicy(String configName, String uri) {
    this.configName = configName;
    this.uri = uri;
  }

  /** The policy's short name as OPC UA tools and {@code trustbridge.yaml} write it. */
  public String configName() {
    return configName;
  }

  /** The policy URI that endpoint descriptions carry. */
  public String uri() {
    return uri;
  }

  /** The policy with that URI, if the gateway speaks it. */
  public static Optional<OpcUaSecurityPolicy> fromUri(String uri) {
    return Arrays.stream(values()).filter(p -> p.uri.equals(uri)).findFirst();
  }
}
