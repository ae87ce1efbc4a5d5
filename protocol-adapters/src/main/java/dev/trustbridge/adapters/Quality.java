package dev.trustbridge.adapters;

/**
 * Whether a {@link Sample}'s value was read from the device ({@code GOOD}), was read but the device
 * doubts it ({@code UNCERTAIN}, e.g. an OPC UA Uncertain status such as a sensor out of its
 * calibrated range), or could not be read ({@code BAD}).
 */
public enum Quality {
  GOOD,
  UNCERTAIN,
  BAD
}
