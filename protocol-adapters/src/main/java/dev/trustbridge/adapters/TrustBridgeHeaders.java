package dev.trustbridge.adapters;

/** Names of the Camel message headers that TrustBridge components set and read. */
public final class TrustBridgeHeaders {

  /** The registered id of the device a message belongs to ({@code String}). */
  public static final String DEVICE_ID = "TrustBridgeDeviceId";

  private TrustBridgeHeaders() {}
}
