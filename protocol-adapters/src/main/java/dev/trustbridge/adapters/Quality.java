package dev.trustbridge.adapters;

/**
 * Whether a {@link Sample}'s value was read from the device ({@code GOOD}) or could not be ({@code
 * BAD}).
 */
public enum Quality {
  GOOD,
  BAD
}
