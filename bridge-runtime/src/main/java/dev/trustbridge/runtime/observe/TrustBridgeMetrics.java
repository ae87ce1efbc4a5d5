package dev.trustbridge.runtime.observe;

import dev.trustbridge.runtime.observe.internal.PrometheusConventions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;

/**
 * The gateway's one meter registry, served as Prometheus text at {@code /observe/metrics} together
 * with Camel's own meters. Features register their meters here (look it up with {@link
 * #of(CamelContext)}); name them {@code trustbridge.<subject>.<what>} in Micrometer's dotted form,
 * with a base unit where there is one, and only labels with a bounded set of values (device,
 * uplink, reason; never ids of commands or envelopes).
 */
public final class TrustBridgeMetrics {

  /** The name under which this facade is bound in the Camel registry. */
  public static final String BINDING = "trustbridgeMetrics";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** A new, empty registry. */
  public TrustBridgeMetrics() {
    registry.config().meterFilter(new PrometheusConventions());
  }

  /** The metrics of the gateway running {@code camel}, if it has any. */
  public static Optional<TrustBridgeMetrics> of(CamelContext camel) {
    return Optional.ofNullable(
        camel.getRegistry().lookupByNameAndType(BINDING, TrustBridgeMetrics.class));
  }

  /** Where to register meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Binds the meters of {@code binder} to this registry. */
  public void bind(MeterBinder binder) {
    binder.bindTo(registry);
  }

  /**
   * Registers an info metric, {@code <name>_info{labels} 1}: constant facts such as versions or
   * backends, as Prometheus recommends for them.
   *
   * @param name the name without the {@code _info} suffix, in Prometheus form ({@code
   *     trustbridge_vault})
   */
  public void info(String name, String help, Map<String, String> labels) {
    String[] names = labels.keySet().stream().sorted().toArray(String[]::new);
    Info info =
        Info.builder()
            .name(name)
            .help(help)
            .labelNames(names)
            .register(registry.getPrometheusRegistry());
    info.addLabelValues(Arrays.stream(names).map(labels::get).toArray(String[]::new));
  }

  /** The name Camel looks the registry up by, so that Camel's meters join ours. */
  static String camelBinding() {
    return MicrometerConstants.METRICS_REGISTRY_NAME;
  }

  PrometheusMeterRegistry prometheusRegistry() {
    return registry;
  }
}
