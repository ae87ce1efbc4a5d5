package dev.trustbridge.benchmarks.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The simulated devices of one run, each a real peer over loopback sockets: one Modbus simulator
 * process serving every Modbus device on its own port, or one OPC UA server process per OPC UA
 * device. Says what the gateway's configuration needs to reach each device and what the processes
 * cost.
 */
final class SimulatedPlant implements AutoCloseable {

  private static final List<String> MODBUS_JVM = List.of("-Xmx2g", "-XX:+UseSerialGC");
  private static final List<String> OPCUA_JVM = List.of("-Xmx1g", "-XX:+UseSerialGC");
  private static final String CLI = "dev.trustbridge.sim.cli.SimulatorCli";

  /** One device as the gateway reaches it. */
  sealed interface Peer {
    String id();
  }

  /** A Modbus device (unit 1) on a port of 127.0.0.1. */
  record ModbusPeer(String id, int port) implements Peer {}

  /**
   * An OPC UA server offering Basic256Sha256 SignAndEncrypt, trusted by its certificate's
   * thumbprint; its variables are {@code ns=<namespaceIndex>;s=<folder>/<name>}.
   */
  record OpcUaPeer(String id, String endpoint, String certificateSha256, int namespaceIndex)
      implements Peer {}

  private final List<JavaProcess> processes;
  private final List<Peer> peers;

  private SimulatedPlant(List<JavaProcess> processes, List<Peer> peers) {
    this.processes = processes;
    this.peers = peers;
  }

  /** Starts the workload's devices and waits until each is listening. */
  static SimulatedPlant start(Workload workload, Path directory, Duration timeout)
      throws IOException, InterruptedException {
    return switch (workload.protocol()) {
      case MODBUS -> startModbus(workload, directory, timeout);
      case OPCUA -> startOpcUa(workload, directory, timeout);
    };
  }

  private static SimulatedPlant startModbus(Workload workload, Path directory, Duration timeout)
      throws IOException, InterruptedException {
    Path scenario = PlantFiles.writeModbusScenario(directory.resolve("scenario.yaml"), workload);
    JavaProcess simulator =
        JavaProcess.start(
            "modbus simulator (" + workload.devices() + " devices)",
            MODBUS_JVM,
            CLI,
            List.of("modbus", "--scenario", scenario.toString()),
            directory.resolve("simulator.log"));
    SimulatedPlant plant = new SimulatedPlant(List.of(simulator), new ArrayList<>());
    try {
      for (String line :
          simulator.awaitLines(l -> l.startsWith("device="), workload.devices(), timeout)) {
        // device=mb-0000 address=127.0.0.1:40123 unitId=1
        String[] fields = line.split(" ");
        String address = fields[1].substring("address=".length());
        plant.peers.add(
            new ModbusPeer(
                fields[0].substring("device=".length()),
                Integer.parseInt(address.substring(address.lastIndexOf(':') + 1))));
      }
      return plant;
    } catch (RuntimeException | InterruptedException e) {
      plant.close();
      throw e;
    }
  }

  private static SimulatedPlant startOpcUa(Workload workload, Path directory, Duration timeout)
      throws IOException, InterruptedException {
    List<JavaProcess> servers = new ArrayList<>();
    SimulatedPlant plant = new SimulatedPlant(servers, new ArrayList<>());
    List<String> ids = PlantFiles.deviceIds(workload);
    try {
      for (String id : ids) {
        Path scenario =
            PlantFiles.writeOpcUaScenario(
                directory.resolve("scenario-" + id + ".yaml"), workload, id);
        servers.add(
            JavaProcess.start(
                "opcua server " + id,
                OPCUA_JVM,
                CLI,
                List.of(
                    "opcua",
                    "--scenario",
                    scenario.toString(),
                    "--pki-dir",
                    directory.resolve("pki-" + id).toString()),
                directory.resolve("simulator-" + id + ".log")));
      }
      for (int i = 0; i < servers.size(); i++) {
        JavaProcess server = servers.get(i);
        // the last of the lines the server prints once it listens
        server.awaitLines(l -> l.startsWith("pki="), 1, timeout);
        plant.peers.add(
            new OpcUaPeer(
                ids.get(i),
                value(server, "endpoint="),
                value(server, "certificateSha256="),
                Integer.parseInt(value(server, "namespace=").replaceFirst(".* index=", ""))));
      }
      return plant;
    } catch (RuntimeException | InterruptedException e) {
      plant.close();
      throw e;
    }
  }

  private static String value(JavaProcess server, String prefix) {
    return server.output().stream()
        .filter(line -> line.startsWith(prefix))
        .findFirst()
        .map(line -> line.substring(prefix.length()).strip())
        .orElseThrow(() -> new IllegalStateException(server.name() + " printed no " + prefix));
  }

  List<Peer> peers() {
    return List.copyOf(peers);
  }

  /** CPU time of all the simulator processes so far. */
  Duration cpuTime() {
    return processes.stream().map(JavaProcess::cpuTime).reduce(Duration.ZERO, Duration::plus);
  }

  /** The processes for the report, with their ids. */
  String describe() {
    if (processes.size() == 1) {
      return processes.get(0).name() + " pid " + processes.get(0).pid();
    }
    return processes.size()
        + " simulator processes, pids "
        + processes.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(", "));
  }

  @Override
  public void close() throws InterruptedException {
    for (JavaProcess process : processes) {
      process.close();
    }
  }
}
