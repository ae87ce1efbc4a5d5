package dev.trustbridge.runtime.outbox;

/** The outbox store cannot be opened, read or written; the message names the store file. */
public final class OutboxException extends Exception {

  private static final long serialVersionUID = 1L;

  public OutboxException(String message, Throwable cause) {
    super(message, cause);
  }

  public OutboxException(String message) {
    super(message);
  }
}
