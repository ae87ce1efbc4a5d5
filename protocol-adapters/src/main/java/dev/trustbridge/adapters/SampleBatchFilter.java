package dev.trustbridge.adapters;

import java.util.Optional;

/**
 * Decides what of a {@link SampleBatch} may leave the gateway, applied by the uplink itself before
 * a batch is encoded, so that no route can send samples around it.
 */
public interface SampleBatchFilter {

  /** Lets every batch through unchanged, and raw bodies as well: for gateways without policy. */
  SampleBatchFilter ADMIT_ALL =
      new SampleBatchFilter() {
        @Override
        public Optional<SampleBatch> admit(SampleBatch batch) {
          return Optional.of(batch);
        }

        @Override
        public boolean admitsRawBodies() {
          return true;
        }
      };

  /**
   * What of the batch may be published: the batch as it is, a batch with fewer or changed samples,
   * or empty when nothing of it may leave.
   */
  Optional<SampleBatch> admit(SampleBatch batch);

  /**
   * Whether routes may publish bodies this filter cannot inspect ({@code byte[]}, {@code String});
   * an enforcing filter says no, so that a route cannot turn samples into text and publish that.
   */
  boolean admitsRawBodies();
}
