package dev.trustbridge.benchmarks.load;

import dev.trustbridge.adapters.SampleBatch;
import dev.trustbridge.adapters.SampleBatchEncoder;
import dev.trustbridge.adapters.json.JsonSampleBatchEncoder;
import dev.trustbridge.adapters.modbus.ModbusComponent;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.runtime.GatewayOpcUa;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.runtime.observe.Observability;
import dev.trustbridge.runtime.outbox.DataKeyProtection;
import dev.trustbridge.trust.atrest.DataKey;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.Vaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.camel.main.Main;

/**
 * The baseline of the load harness: the same configuration directory, routes, {@code modbus:}
 * poller, {@code opcua:} subscriptions and {@code mqtt:} uplink over mutual TLS as the gateway,
 * with the samples written as plain JSON and published at QoS 1, and nothing else: no policy, no
 * signing, no outbox, no encryption, no attestation, no metrics. What the gateway costs more than
 * this is the cost of trust.
 *
 * <p>Run as {@code BarePipeline CONFIG_DIR}; on SIGTERM it prints {@code bare-pipeline
 * encodedSamples=N} (every sample handed to the uplink) before it exits.
 */
public final class BarePipeline {

  private BarePipeline() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: BarePipeline CONFIG_DIR");
      System.exit(2);
    }
    GatewayConfig config = new ConfigLoader(System.getenv()).load(Path.of(args[0]));
    AtomicLong encodedSamples = new AtomicLong();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> System.out.println("bare-pipeline encodedSamples=" + encodedSamples.get())));
    try (Vault vault = Vaults.open(config.identity().key().vault())) {
      Identity identity = vault.identity(config.identity().key().alias());
      Main main = new Main();
      // Camel's management as the gateway has it, so that the two differ only by the trust features
      main.configure()
          .withName("bare-" + config.gatewayId())
          .withJmxManagementMBeansLevel(
              Observability.camelMBeansLevel(config.observability().camelMBeans()))
          .withRoutesIncludePattern(
              config.routeFiles().stream()
                  .map(path -> "file:" + path.toAbsolutePath())
                  .collect(Collectors.joining(",")));
      ModbusComponent modbus = new ModbusComponent();
      modbus.setMaxSamplesPerBatch(config.envelopes().maxSamples());
      config.modbusDevices().forEach(modbus::addDevice);
      main.bind("modbus", modbus);
      if (!config.opcuaDevices().isEmpty()) {
        // the OPC UA application key is kept encrypted at rest, as the gateway keeps it
        Path state = Files.createDirectories(config.envelopes().stateDirectory());
        DataKey dataKey =
            DataKeyProtection.open(config.outbox(), config.identity().key().vault(), vault, state);
        main.bind("opcua", GatewayOpcUa.component(config, dataKey));
      }
      MqttComponent mqtt = new MqttComponent();
      mqtt.setSiteId(config.site());
      mqtt.setGatewayId(config.gatewayId());
      mqtt.getConfiguration().setEncoder(counting(new JsonSampleBatchEncoder(), encodedSamples));
      mqtt.setUplinks(
          config.uplinks().stream()
              .map(
                  uplink ->
                      uplink.tls()
                          ? uplink.withClientKey(identity.keyManagerFactory(), identity.keyUri())
                          : uplink)
              .toList());
      main.bind("mqtt", mqtt);
      System.out.println(
          "bare-pipeline starting devices="
              + (config.modbusDevices().size() + config.opcuaDevices().size()));
      main.run();
    }
  }

  private static SampleBatchEncoder counting(SampleBatchEncoder encoder, AtomicLong samples) {
    return new SampleBatchEncoder() {
      @Override
      public byte[] encode(SampleBatch batch) {
        byte[] encoded = encoder.encode(batch);
        samples.addAndGet(batch.samples().size());
        return encoded;
      }

      @Override
      public String contentType() {
        return encoder.contentType();
      }
    };
  }
}
