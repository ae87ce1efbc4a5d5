package dev.trustbridge.runtime.config;

/**
 * How strictly the gateway guards its trust. {@code production} refuses anything that weakens it
 * (plaintext uplinks, software keys); {@code development} allows them and says so at every start.
 */
public enum SecurityMode {
  DEVELOPMENT("development"),
  PRODUCTION("production");

  private final String configName;

  SecurityMode(String configName) {
    this.configName = configName;
  }

  /** The name used in {@code trustbridge.yaml}. */
  public String configName() {
    return configName;
  }
}
