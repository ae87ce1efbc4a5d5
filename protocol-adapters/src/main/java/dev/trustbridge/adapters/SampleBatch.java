package dev.trustbridge.adapters;

import java.util.ArrayList;
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

  /**
   * This batch in order, cut into batches of at most {@code maxSamples} samples each, so that one
   * signed envelope never grows without bound; a batch within the limit is returned as it is.
   */
  public List<SampleBatch> split(int maxSamples) {
    if (maxSamples < 1) {
      throw new IllegalArgumentException("maxSamples must be at least 1, was " + maxSamples);
    }
    if (samples.size() <= maxSamples) {
      return List.of(this);
    }
    List<SampleBatch> parts = new ArrayList<>();
    for (int from = 0; from < samples.size(); from += maxSamples) {
      parts.add(
          new SampleBatch(
              deviceId, samples.subList(from, Math.min(samples.size(), from + maxSamples))));
    }
    return parts;
  }
}
