package dev.trustbridge.adapters.opcua;

/** The OPC UA message security modes, weakest first. */
public enum OpcUaSecurityMode {
  /** Only with the {@code None} policy, in development mode. */
  NONE("None"),
  SIGN("Sign"),
  SIGN_AND_ENCRYPT("SignAndEncrypt");

  private final String configName;

  OpcUaSecurityMode(String configName) {
    this.configName = configName;
  }

  /** The mode's name as OPC UA tools and {@code trustbridge.yaml} write it. */
  public String configName() {
    return configName;
  }
}
