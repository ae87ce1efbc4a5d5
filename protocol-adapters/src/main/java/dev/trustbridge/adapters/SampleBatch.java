package dev.trustbridge.adapters;

import java.util.List;
import java.util.Objects;

/**
 * The samples of one registered device from one poll cycle or subscription batch: the unit that the
 * gateway encodes, signs and publishes together.
 *
 * @param deviceId the registered device the samples came from
 * @param samples the samples, in the order the device's tags are declared
 */
public record SampleBatch(String deviceId, List<Sample> samples) {

  public SampleBatch {
    Objects.requireNonNull(deviceId, "deviceId");
    samples = List.copyOf(samples);
  }
}
