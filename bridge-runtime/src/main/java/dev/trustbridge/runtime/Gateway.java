package dev.trustbridge.runtime;

import dev.trustbridge.adapters.modbus.ModbusComponent;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.runtime.config.SecurityMode;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the Camel application that executes the configured routes with the {@code
 * modbus:} and {@code mqtt:} components bound to the configured devices and uplinks.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final Main main;

  private Gateway(GatewayConfig config) {
    this.config = config;
    this.main = new Main();
    main.configure()
        .withName("trustbridge-" + config.gatewayId())
        .withRoutesIncludePattern(
            config.routeFiles().stream()
                .map(Path::toAbsolutePath)
                .map(path -> "file:" + path)
                .collect(Collectors.joining(",")))
        .withShutdownTimeout(10);
    ModbusComponent modbus = new ModbusComponent();
    config.modbusDevices().forEach(modbus::addDevice);
    main.bind("modbus", modbus);
    MqttComponent mqtt = new MqttComponent();
    mqtt.setSiteId(config.site());
    mqtt.setGatewayId(config.gatewayId());
    mqtt.setUplinks(config.uplinks());
    main.bind("mqtt", mqtt);
  }

  /** Starts the gateway; returns once every route runs. */
  public static Gateway start(GatewayConfig config) throws Exception {
    Gateway gateway = new Gateway(config);
    gateway.logStart();
    gateway.main.start();
    return gateway;
  }

  /** Runs the gateway until the JVM is asked to stop (Ctrl-C, SIGTERM). */
  public static void run(GatewayConfig config) throws Exception {
    Gateway gateway = new Gateway(config);
    gateway.logStart();
    gateway.main.run();
  }

  private void logStart() {
    LOG.info(
        "gateway starting site={} gateway={} securityMode={} devices={} uplinks={} routeFiles={}",
        config.site(),
        config.gatewayId(),
        config.securityMode().configName(),
        config.modbusDevices().size(),
        config.uplinks().size(),
        config.routeFiles().size());
    if (config.securityMode() == SecurityMode.DEVELOPMENT) {
      LOG.warn("security mode is development: plaintext and software keys are allowed");
    }
  }

  /** The Camel context, for tests and tooling. */
  public CamelContext camelContext() {
    return main.getCamelContext();
  }

  @Override
  public void close() throws Exception {
    main.stop();
  }
}
