package dev.trustbridge.sim.cli;

import dev.trustbridge.sim.modbus.ModbusSimulator;
import dev.trustbridge.sim.modbus.Scenario;
import dev.trustbridge.sim.modbus.SimulatedDevice;
import dev.trustbridge.sim.scenario.ScenarioException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modbus}: runs the devices of a scenario until the process is stopped. */
@Command(
    name = "modbus",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Modbus TCP devices of a scenario until Ctrl-C.",
      "Prints one line per device: device=ID address=HOST:PORT unitId=N"
    })
final class ModbusCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @ArgGroup(multiplicity = "1")
  private Source source;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  private InetAddress bindAddress;

  static final class Source {
    @Option(names = "--scenario", paramLabel = "FILE", description = "Scenario YAML file.")
    private Path file;

    @Option(
        names = "--sample-plant",
        description = "Run the built-in sample plant (boiler, pump, energy meter).")
    private boolean samplePlant;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Scenario scenario;
    try {
      scenario = source.samplePlant ? Scenario.samplePlant() : Scenario.load(source.file);
    } catch (ScenarioException e) {
      err.println(e.getMessage());
      return SimulatorCli.SCENARIO_INVALID;
    } catch (IOException e) {
      String reason = e instanceof NoSuchFileException ? "no such file" : e.toString();
      err.println("cannot read scenario " + source.file + ": " + reason);
      return SimulatorCli.SCENARIO_INVALID;
    }
    ModbusSimulator simulator;
    try {
      simulator = ModbusSimulator.start(scenario, bindAddress);
    } catch (UncheckedIOException e) {
      err.println(e.getMessage());
      return SimulatorCli.CANNOT_LISTEN;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "modbus-sim-shutdown"));
    for (SimulatedDevice device : simulator.devices()) {
      out.printf(
          "device=%s address=%s:%d unitId=%d%n",
          device.id(), bindAddress.getHostAddress(), device.port(), device.unitId());
    }
    out.flush();
    // Runs until the process is stopped; the JVM ends while this thread waits, after the hook ran.
    Thread.currentThread().join();
    return 0;
  }
}
