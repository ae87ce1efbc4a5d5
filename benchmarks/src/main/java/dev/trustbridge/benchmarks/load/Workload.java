package dev.trustbridge.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One load the harness puts on a gateway: how many simulated Modbus devices, how many float32
 * values each (contiguous holding registers, read 125 registers at a time), how often they are
 * polled, and what happens during the measurement.
 *
 * @param name the name used in the report
 * @param kind what the run does besides polling
 * @param devices simulated devices, each on its own port
 * @param valuesPerDevice float32 values per device
 * @param pollInterval the configured poll interval of every device
 * @param summary one line for the report
 */
record Workload(
    String name,
    Kind kind,
    int devices,
    int valuesPerDevice,
    Duration pollInterval,
    String summary) {

  /** What a run does besides polling. */
  enum Kind {
    /** Polls for the measured window. */
    POLL,
    /** Polls as fast as the gateway takes it: the rate is what the gateway sustains. */
    SATURATE,
    /** Polls and sends signed write commands, measuring command to signed result. */
    WRITEBACK,
    /** Polls while the broker is stopped for the outage, then measures the drain. */
    STORE_FORWARD,
    /** Light polling: memory at rest and the time to the first publish. */
    FOOTPRINT
  }

  /** The samples per second the configuration asks for. */
  double offeredSamplesPerSecond() {
    return devices * (double) valuesPerDevice * 1000.0 / pollInterval.toMillis();
  }

  private static final Map<String, List<Workload>> CATALOGUE = catalogue();

  private static Map<String, List<Workload>> catalogue() {
    Map<String, List<Workload>> all = new LinkedHashMap<>();
    add(
        all,
        "mb-poll-100k",
        new Workload(
            "mb-poll-100k",
            Kind.POLL,
            10,
            10_000,
            Duration.ofSeconds(1),
            "10 Modbus devices × 10,000 float32 values @1 s"));
    add(
        all,
        "mb-poll-fast",
        new Workload(
            "mb-poll-fast",
            Kind.POLL,
            10,
            1_000,
            Duration.ofMillis(100),
            "10 devices × 1,000 values @100 ms"));
    for (int devices : new int[] {10, 100, 1000}) {
      add(
          all,
          "scale",
          new Workload(
              "scale-" + devices,
              Kind.SATURATE,
              devices,
              100,
              Duration.ofMillis(10),
              devices + " devices × 100 values @10 ms: as fast as the gateway takes it"));
    }
    add(
        all,
        "ctrl-writeback",
        new Workload(
            "ctrl-writeback",
            Kind.WRITEBACK,
            10,
            10_000,
            Duration.ofSeconds(1),
            "mb-poll-100k plus 5 signed write commands per second"));
    add(
        all,
        "store-forward",
        new Workload(
            "store-forward",
            Kind.STORE_FORWARD,
            10,
            1_000,
            Duration.ofSeconds(1),
            "10 devices × 1,000 values @1 s (10k samples/s), broker stopped"));
    add(
        all,
        "footprint",
        new Workload(
            "footprint",
            Kind.FOOTPRINT,
            10,
            10,
            Duration.ofSeconds(1),
            "10 devices × 10 values @1 s"));
    add(
        all,
        "smoke",
        new Workload(
            "smoke",
            Kind.POLL,
            2,
            300,
            Duration.ofMillis(200),
            "2 devices × 300 values @200 ms, for CI"));
    return all;
  }

  private static void add(Map<String, List<Workload>> all, String group, Workload workload) {
    all.computeIfAbsent(group, g -> new ArrayList<>()).add(workload);
  }

  /**
   * The workloads of the names in order ({@code scale} is three), without {@code smoke}.
   */
  static List<String> standardNames() {
    return CATALOGUE.keySet().stream().filter(name -> !name.equals("smoke")).toList();
  }

  /**
   * The workloads named.
   *
   * @throws IllegalArgumentException naming an unknown workload and the known ones
   */
  static List<Workload> named(List<String> names) {
    List<Workload> selected = new ArrayList<>();
    for (String name : names) {
      List<Workload> group = CATALOGUE.get(name);
      if (group == null) {
        throw new IllegalArgumentException(
            "unknown workload '" + name + "'; known: " + String.join(", ", CATALOGUE.keySet()));
      }
      selected.addAll(group);
    }
    return selected;
  }
}
