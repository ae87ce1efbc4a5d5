package dev.trustbridge.adapters.opcua.internal;

/**
 * Why a connection to a device could not be opened. A {@code fatal} failure (the server is not the
 * registered device) stops the device's flow; any other is retried after a backoff delay.
 */
public final class ConnectFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean fatal;

  public ConnectFailure(String message, boolean fatal) {
    super(message);
    this.fatal = fatal;
  }

  public ConnectFailure(String message, Throwable cause) {
    super(message, cause);
    this.fatal = false;
  }

  public boolean isFatal() {
    return fatal;
  }
}
