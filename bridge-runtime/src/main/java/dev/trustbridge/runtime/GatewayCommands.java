package dev.trustbridge.runtime;

import dev.trustbridge.adapters.DeviceWriter;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.MqttConstants;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.policy.command.CommandAudit;
import dev.trustbridge.policy.command.CommandFormat;
import dev.trustbridge.policy.command.CommandOutcome;
import dev.trustbridge.policy.command.CommandService;
import dev.trustbridge.policy.command.CommandSettings;
import dev.trustbridge.policy.command.Quarantine;
import dev.trustbridge.policy.rules.PolicyEnforcer;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.trust.envelope.EnvelopeException;
import dev.trustbridge.trust.envelope.SessionKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The southbound flow: subscribes to {@code tb/v1/<site>/<gateway>/+/cmd} on every uplink, hands
 * each message to the {@link CommandService} and publishes its signed result on {@code
 * …/cmd/result} of the uplink it came from. Built in Java, not from route files, so that no route
 * decides what is written to a device.
 */
final class GatewayCommands implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayCommands.class);
  private static final String REPLAY_FILE = "commands-seen.txt";
  private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(10);

  private final CommandService service;
  private final SessionKeys keys;
  private final MqttComponent mqtt;
  private final String site;
  private final String gateway;

  private GatewayCommands(
      CommandService service, SessionKeys keys, MqttComponent mqtt, String site, String gateway) {
    this.service = service;
    this.keys = keys;
    this.mqtt = mqtt;
    this.site = site;
    this.gateway = gateway;
  }

  static GatewayCommands open(
      GatewayConfig config,
      CommandSettings settings,
      PolicyEnforcer policy,
      List<DeviceWriter> writers,
      Quarantine quarantine,
      CommandAudit audit,
      SessionKeys keys,
      MqttComponent mqtt)
      throws IOException {
    Files.createDirectories(config.envelopes().stateDirectory());
    CommandService service =
        CommandService.open(
            config.site(),
            config.gatewayId(),
            settings,
            config.envelopes().stateDirectory().resolve(REPLAY_FILE),
            policy,
            writers,
            quarantine,
            audit,
            Clock.systemUTC());
    LOG.info(
        "commands accepted operatorCas={} maxValidity={}",
        settings.operatorCas().size(),
        settings.maxValidity());
    return new GatewayCommands(service, keys, mqtt, config.site(), config.gatewayId());
  }

  /** The id of each command route: this and the uplink id. */
  static final String ROUTE_PREFIX = "commands-";

  /** One route per uplink, each with the id {@code commands-<uplink>}. */
  RouteBuilder routes(List<UplinkSettings> uplinks) {
    return new RouteBuilder() {
      @Override
      public void configure() {
        for (UplinkSettings uplink : uplinks) {
          from("mqtt:" + uplink.id() + "?topic=RAW(tb/v1/{site}/{gateway}/+/cmd)")
              .routeId(ROUTE_PREFIX + uplink.id())
              .process(exchange -> handle(uplink.id(), exchange));
        }
      }
    };
  }

  private void handle(String uplinkId, Exchange exchange) {
    String topic = exchange.getMessage().getHeader(MqttConstants.TOPIC, String.class);
    String device = topic.split("/")[4];
    CommandOutcome outcome = service.execute(device, exchange.getMessage().getBody(byte[].class));
    byte[] result;
    try {
      result =
          keys.signStatement(
              CommandFormat.RESULT_TYPE, CommandFormat.resultPayload(outcome, site, gateway));
    } catch (EnvelopeException e) {
      LOG.error(
          "command result not signed id={} device={} error=\"{}\"",
          outcome.id().orElse("-"),
          device,
          e.getMessage());
      return;
    }
    mqtt.publish(
            uplinkId,
            CommandFormat.RESULT_TOPIC.replace("{device}", device),
            result,
            false,
            RESULT_TIMEOUT)
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                LOG.warn(
                    "command result not published id={} uplink={} error=\"{}\"",
                    outcome.id().orElse("-"),
                    uplinkId,
                    error.toString());
              }
            });
  }

  @Override
  public void close() {
    service.close();
  }
}
