package dev.trustbridge.adapters.opcua;

/**
 * A data-change deadband for a subscribed tag: changes smaller than it are not reported.
 *
 * @param type none, an absolute amount in the value's unit, or a percentage of the variable's
 *     EURange (the server must know the range)
 * @param value the amount, 0 or more; a percentage at most 100
 */
public record OpcUaDeadband(Type type, double value) {

  // one for all tags: a gateway may subscribe to a hundred thousand
  private static final OpcUaDeadband NONE = new OpcUaDeadband(Type.NONE, 0);

  /** The kinds of deadband OPC UA defines. */
  public enum Type {
    NONE,
    ABSOLUTE,
    PERCENT
  }

  public OpcUaDeadband {
    if (!Double.isFinite(value) || value < 0 || (type == Type.PERCENT && value > 100)) {
      throw new IllegalArgumentException(
          "deadband "
              + value
              + " must be 0 or more"
              + (type == Type.PERCENT ? " and at most 100" : ""));
    }
    if (type == Type.NONE && value != 0) {
      throw new IllegalArgumentException("a deadband of type none has no value");
    }
  }

  /** Every change is reported. */
  public static OpcUaDeadband none() {
    return NONE;
  }
}
