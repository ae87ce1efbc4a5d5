package dev.trustbridge.adapters.mqtt;

/**
 * An uplink could not do what an exchange asked: publish, subscribe or connect. The message names
 * the uplink, its server and the cause an operator can act on.
 */
public class MqttUplinkException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String uplinkId;

  public MqttUplinkException(String uplinkId, String message, Throwable cause) {
    super(message, cause);
    this.uplinkId = uplinkId;
  }

  public MqttUplinkException(String uplinkId, String message) {
    super(message);
    this.uplinkId = uplinkId;
  }

  /** The id of the uplink that failed. */
  public String uplinkId() {
    return uplinkId;
  }
}
