package dev.trustbridge.runtime.demo;

import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.adapters.opcua.OpcUaApplicationIdentity;
import dev.trustbridge.runtime.Gateway;
import dev.trustbridge.runtime.attest.GatewayMeasurements;
import dev.trustbridge.runtime.cli.TrustBridgeCli;
import dev.trustbridge.runtime.config.ConfigException;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.sim.broker.EmbeddedBroker;
import dev.trustbridge.sim.modbus.ModbusSimulator;
import dev.trustbridge.sim.modbus.Scenario;
import dev.trustbridge.sim.opcua.OpcUaScenario;
import dev.trustbridge.sim.opcua.OpcUaSimulator;
import dev.trustbridge.sim.pki.DevelopmentPki;
import dev.trustbridge.sim.pki.IssuedCertificate;
import dev.trustbridge.trust.attest.AttestationVerifier;
import dev.trustbridge.trust.attest.GoldenSet;
import dev.trustbridge.trust.envelope.EnvelopeVerifier;
import dev.trustbridge.trust.vault.VaultException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trustbridge demo}: the simulated sample plant (Modbus PLCs and an OPC UA packaging line),
 * an embedded MQTT broker that requires client certificates, the gateway running the demo
 * configuration, and a live view of what arrives at the broker, all in one process.
 */
@Command(
    name = "demo",
    description =
        "Run simulated PLCs, a TLS MQTT broker, the gateway and a live view in one process.")
public final class DemoCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
  private static final String TEMPLATE = "/dev/trustbridge/runtime/demo/";
  private static final List<String> CONFIG_FILES =
      List.of(
          ConfigLoader.MAIN_FILE,
          ConfigLoader.ROUTES_DIRECTORY + "/telemetry.camel.yaml",
          "policies/plant.yaml");
  private static final Duration FIRST_SAMPLES_WAIT = Duration.ofSeconds(30);
  private static final Map<String, String> PORT_VARIABLES =
      Map.of(
          "boiler-1", "TB_DEMO_BOILER_PORT",
          "pump-1", "TB_DEMO_PUMP_PORT",
          "energy-meter-1", "TB_DEMO_METER_PORT");

  @Spec private CommandSpec spec;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "work/demo",
      description =
          "Where the development PKI, broker data and configuration live (default: ${DEFAULT-VALUE}).")
  private Path workDirectory;

  @Option(
      names = "--vault",
      paramLabel = "TYPE",
      defaultValue = "software",
      description =
          "Where the gateway's key lives: software (demo key store) or pkcs11 (a TPM or HSM token).")
  private String vaultType;

  @Option(
      names = "--vault-uri",
      paramLabel = "URI",
      description =
          "With --vault pkcs11: the token, e.g. pkcs11:token=trustbridge?module-path=/usr/lib/softhsm/libsofthsm2.so")
  private String vaultUri;

  @Option(
      names = "--vault-pin-file",
      paramLabel = "FILE",
      description = "With --vault pkcs11: the file that holds the token's user PIN.")
  private Path vaultPinFile;

  @Option(
      names = "--stop-after",
      paramLabel = "DURATION",
      description =
          "Stop by itself after this ISO-8601 duration, e.g. PT30S (default: run until Ctrl-C).")
  private Duration stopAfter;

  /** Everything the demo started, closed in reverse order. */
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> stopAll(stopped), "trustbridge-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      DevelopmentPki pki = DevelopmentPki.openOrCreate(workDirectory.resolve("pki"));
      IssuedCertificate viewerCertificate = pki.clientCertificate("demo-viewer");

      ModbusSimulator plant = started(ModbusSimulator.start(Scenario.samplePlant()));
      OpcUaSimulator line =
          started(
              OpcUaSimulator.start(
                  OpcUaScenario.samplePlant(), workDirectory.resolve("opcua-simulator-pki")));
      EmbeddedBroker broker =
          started(
              EmbeddedBroker.builder(pki).workDirectory(workDirectory.resolve("broker")).build());
      broker.start();

      Map<String, String> environment = new HashMap<>(System.getenv());
      PORT_VARIABLES.forEach(
          (device, variable) ->
              environment.put(variable, String.valueOf(plant.device(device).port())));
      environment.put("TB_DEMO_BROKER_PORT", String.valueOf(broker.tlsPort()));
      environment.put("TB_DEMO_OPCUA_PORT", String.valueOf(line.port()));
      environment.put("TB_DEMO_OPCUA_SHA256", line.certificateSha256());
      Path configDirectory = writeConfiguration(vaultSection(pki));
      GatewayConfig config = new ConfigLoader(environment).load(configDirectory);

      LiveView view =
          started(
              LiveView.start(
                  UplinkSettings.builder("viewer", broker.tlsServerUri())
                      .caCertificateFile(pki.caCertificateFile())
                      .clientKey(
                          pki.keyManagerFactory(viewerCertificate),
                          viewerCertificate.keyStoreFile().toString())
                      .clientId("demo-viewer")
                      .gatewayStatus(false)
                      .build(),
                  pki.caCertificate(),
                  out,
                  System.console() != null,
                  banner(plant, line, broker, configDirectory, vaultType),
                  // the demo plays the release pipeline too: what it starts with is golden
                  new AttestationVerifier(
                      EnvelopeVerifier.create(List.of(pki.caCertificate())),
                      GoldenSet.of(new GatewayMeasurements().measure(config)),
                      Duration.ofMinutes(15),
                      Clock.systemUTC())));
      started(Gateway.start(config));
      // the line trusts the gateway's OPC UA application certificate, as its operator would; the
      // gateway's session is refused until then and comes up at its next attempt
      line.trustClientCertificate(
          OpcUaApplicationIdentity.publishedCertificate(config.envelopes().stateDirectory())
              .orElseThrow());
      sendExampleCommands(
          view, DemoOperator.exampleCommands(pki, config.site(), config.gatewayId()));
      LOG.info("demo running workDir={}", workDirectory.toAbsolutePath());
    } catch (ConfigException | VaultException | ParameterException | GeneralSecurityException e) {
      spec.commandLine().getErr().println("trustbridge demo: " + e.getMessage());
      stopAll(stopped);
      return e instanceof VaultException || e instanceof GeneralSecurityException
          ? TrustBridgeCli.EXIT_FAILURE
          : TrustBridgeCli.EXIT_CONFIG;
    }
    if (stopAfter != null) {
      stopped.await(stopAfter.toMillis(), TimeUnit.MILLISECONDS);
      Runtime.getRuntime().removeShutdownHook(hook);
      stopAll(stopped);
    } else {
      stopped.await();
    }
    return 0;
  }

  /**
   * Sends the operator's example commands once telemetry arrives, which means the gateway's uplink,
   * and with it its command subscription, is up.
   */
  private static void sendExampleCommands(LiveView view, List<DemoOperator.Signed> commands) {
    Thread sender =
        new Thread(
            () -> {
              Instant deadline = Instant.now().plus(FIRST_SAMPLES_WAIT);
              try {
                while (!view.hasSamples() && Instant.now().isBefore(deadline)) {
                  Thread.sleep(100);
                }
                for (DemoOperator.Signed command : commands) {
                  view.send(command.topic(), command.message());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                LOG.warn("demo commands not sent: {}", e.toString());
              }
            },
            "trustbridge-demo-commands");
    sender.setDaemon(true);
    sender.start();
  }

  private <T extends AutoCloseable> T started(T service) {
    synchronized (started) {
      started.push(service);
    }
    return service;
  }

  private void stopAll(CountDownLatch stopped) {
    synchronized (started) {
      while (!started.isEmpty()) {
        AutoCloseable service = started.pop();
        try {
          service.close();
        } catch (Exception e) {
          LOG.warn(
              "demo could not stop {} cleanly: {}",
              service.getClass().getSimpleName(),
              e.toString());
        }
      }
    }
    stopped.countDown();
  }

  private String vaultSection(DevelopmentPki pki) throws VaultException, IOException {
    switch (vaultType) {
      case "software":
        return DemoVault.softwareSection(pki);
      case "pkcs11":
        if (vaultUri == null || vaultPinFile == null) {
          throw new ParameterException(
              spec.commandLine(), "--vault pkcs11 needs --vault-uri and --vault-pin-file");
        }
        return DemoVault.tokenSection(vaultUri, vaultPinFile, pki);
      default:
        throw new ParameterException(
            spec.commandLine(), "--vault is software or pkcs11, not '" + vaultType + "'");
    }
  }

  /**
   * Writes the demo configuration afresh, so that it always matches this version of TrustBridge,
   * with the vault section appended.
   */
  private Path writeConfiguration(String vaultSection) throws IOException {
    Path directory = workDirectory.resolve("config");
    for (String file : CONFIG_FILES) {
      Path target = directory.resolve(file);
      try (InputStream template = DemoCommand.class.getResourceAsStream(TEMPLATE + file)) {
        if (template == null) {
          throw new IllegalStateException(
              "demo template " + file + " is missing from the runtime jar");
        }
        Files.createDirectories(target.getParent());
        Files.copy(template, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.writeString(
        directory.resolve(ConfigLoader.MAIN_FILE), vaultSection, StandardOpenOption.APPEND);
    return directory;
  }

  private static String banner(
      ModbusSimulator plant,
      OpcUaSimulator line,
      EmbeddedBroker broker,
      Path configDirectory,
      String vaultType) {
    StringBuilder banner = new StringBuilder("TrustBridge demo\n");
    plant
        .devices()
        .forEach(
            device ->
                banner.append(
                    String.format(
                        "  simulated PLC   %-16s modbus 127.0.0.1:%d unit %d%n",
                        device.id(), device.port(), device.unitId())));
    return banner
        .append(
            String.format(
                "  simulated line  %-16s opcua %s SignAndEncrypt, certificate sha256 %s%n",
                "packaging-line", line.endpointUrl(), line.certificateSha256().substring(0, 16)))
        .append(
            String.format(
                "  MQTT broker     %s (TLS, client certificate required)%n", broker.tlsServerUri()))
        .append(
            String.format(
                "  gateway         %s, identity key in the %s vault%n",
                configDirectory.resolve(ConfigLoader.MAIN_FILE), vaultType))
        .append("  Ctrl-C stops everything.\n\n")
        .toString();
  }
}
