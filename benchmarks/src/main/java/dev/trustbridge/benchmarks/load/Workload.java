package dev.trustbridge.benchmarks.load;

import dev.trustbridge.runtime.config.ObservabilitySettings.CamelMBeans;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One load the harness puts on a gateway: how many simulated devices of which protocol, how many
 * values each, how often they are read, and what happens during the measurement. Modbus values are
 * float32 in contiguous holding registers, read 125 registers at a time; OPC UA values are Double
 * variables subscribed over Basic256Sha256 SignAndEncrypt.
 *
 * @param name the name used in the report
 * @param kind what the run does besides polling
 * @param protocol what the devices speak
 * @param devices simulated devices (Modbus: each on its own port; OPC UA: each a server process)
 * @param valuesPerDevice values per device
 * @param pollInterval the poll interval of every Modbus device, the sampling interval of every OPC
 *     UA item
 * @param summary one line for the report
 */
record Workload(
    String name,
    Kind kind,
    Protocol protocol,
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

  /** What the simulated devices speak. */
  enum Protocol {
    MODBUS,
    OPCUA
  }

  /**
   * Camel's MBeans as a plant of that size would configure them ({@code
   * observability.camelMBeans}): the routes' up to a hundred devices, the context's only beyond.
   */
  CamelMBeans camelMBeans() {
    return camelMBeans(devices);
  }

  private static CamelMBeans camelMBeans(int devices) {
    return devices > 100 ? CamelMBeans.CONTEXT : CamelMBeans.ROUTES;
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
            Protocol.MODBUS,
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
            Protocol.MODBUS,
            10,
            1_000,
            Duration.ofMillis(100),
            "10 devices × 1,000 values @100 ms"));
    add(
        all,
        "ua-sub-100k",
        new Workload(
            "ua-sub-100k",
            Kind.POLL,
            Protocol.OPCUA,
            10,
            10_000,
            Duration.ofSeconds(1),
            "10 OPC UA servers × 10,000 monitored items @1 s, Basic256Sha256 SignAndEncrypt"));
    // a million samples per second offered, more than either pipeline takes, spread over more and
    // more devices polled less and less often
    for (int devices : new int[] {10, 100, 1000}) {
      Duration interval = Duration.ofMillis(devices / 10);
      add(
          all,
          "scale",
          new Workload(
              "scale-" + devices,
              Kind.SATURATE,
              Protocol.MODBUS,
              devices,
              100,
              interval,
              devices
                  + " devices × 100 values @"
                  + interval.toMillis()
                  + " ms: as fast as the gateway takes it"
                  + (camelMBeans(devices) == CamelMBeans.CONTEXT
                      ? " (Camel MBeans of the context only)"
                      : "")));
    }
    add(
        all,
        "ctrl-writeback",
        new Workload(
            "ctrl-writeback",
            Kind.WRITEBACK,
            Protocol.MODBUS,
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
            Protocol.MODBUS,
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
            Protocol.MODBUS,
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
            Protocol.MODBUS,
            2,
            300,
            Duration.ofMillis(200),
            "2 devices × 300 values @200 ms, for CI"));
    add(
        all,
        "ua-smoke",
        new Workload(
            "ua-smoke",
            Kind.POLL,
            Protocol.OPCUA,
            2,
            300,
            Duration.ofMillis(200),
            "2 OPC UA servers × 300 items @200 ms, for CI"));
    return all;
  }

  private static void add(Map<String, List<Workload>> all, String group, Workload workload) {
    all.computeIfAbsent(group, g -> new ArrayList<>()).add(workload);
  }

  /**
   * The workloads of the issue's names in order ({@code scale} is three), without the smoke runs.
   */
  static List<String> standardNames() {
    return CATALOGUE.keySet().stream().filter(name -> !name.endsWith("smoke")).toList();
  }

  /**
   * The workloads named: a group such as {@code scale}, or one workload such as {@code scale-100}.
   *
   * @throws IllegalArgumentException naming an unknown workload and the known ones
   */
  static List<Workload> named(List<String> names) {
    List<Workload> selected = new ArrayList<>();
    for (String name : names) {
      List<Workload> group =
          CATALOGUE.containsKey(name)
              ? CATALOGUE.get(name)
              : CATALOGUE.values().stream()
                  .flatMap(List::stream)
                  .filter(workload -> workload.name().equals(name))
                  .toList();
      if (group.isEmpty()) {
        throw new IllegalArgumentException(
            "unknown workload '" + name + "'; known: " + String.join(", ", CATALOGUE.keySet()));
      }
      selected.addAll(group);
    }
    return selected;
  }
}
