package dev.trustbridge.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustbridge.adapters.mqtt.MqttComponent;
import dev.trustbridge.adapters.mqtt.UplinkSettings;
import dev.trustbridge.policy.command.Command;
import dev.trustbridge.policy.command.CommandFormat;
import dev.trustbridge.runtime.config.ConfigException;
import dev.trustbridge.runtime.config.ConfigLoader;
import dev.trustbridge.runtime.config.GatewayConfig;
import dev.trustbridge.trust.vault.Identity;
import dev.trustbridge.trust.vault.Vault;
import dev.trustbridge.trust.vault.VaultException;
import dev.trustbridge.trust.vault.Vaults;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trustbridge cmd}: the operator's side of signed commands: sign one with a personal key
 * (file or token), and send it to a gateway and wait for its signed result.
 */
@picocli.CommandLine.Command(
    name = "cmd",
    description = "Sign a command for a gateway, or send one and wait for its result.",
    subcommands = {CmdCommand.Sign.class, CmdCommand.Send.class})
final class CmdCommand {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  /** ecdsa-with-SHA256: what a token's identity key signs with. */
  @picocli.CommandLine.Command(
      name = "sign",
      description =
          "Write a signed command (JWS JSON) that asks a gateway to write a value to a tag.")
  static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SigningKeyOptions signingKey;

    @Option(names = "--site", required = true, description = "The gateway's site.")
    String site;

    @Option(names = "--gateway", required = true, description = "The gateway's id.")
    String gateway;

    @Option(names = "--device", required = true, description = "The device to write.")
    String device;

    @Option(names = "--tag", required = true, description = "The tag to write.")
    String tag;

    @Option(
        names = "--value",
        required = true,
        description = "true, false, a whole number or a decimal number.")
    String value;

    @Option(
        names = "--valid-for",
        defaultValue = "60s",
        paramLabel = "DURATION",
        description = "How long the command may be executed, from now (default: ${DEFAULT-VALUE}).")
    String validFor;

    @Option(names = "--id", description = "The command's unique id (default: a random UUID).")
    String id;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Write the command here instead of to standard output.")
    Path out;

    @Override
    public Integer call() throws Exception {
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Command command =
          new Command(
              id == null ? UUID.randomUUID().toString() : id,
              site,
              gateway,
              device,
              tag,
              value(value),
              now,
              now.plus(duration(validFor)));
      byte[] signed =
          signingKey.sign(
              (signer, algorithm, chain) -> CommandFormat.sign(command, signer, algorithm, chain));
      if (out == null) {
        PrintWriter writer = spec.commandLine().getOut();
        writer.println(new String(signed, StandardCharsets.UTF_8));
        writer.flush();
      } else {
        Files.write(out, signed);
        spec.commandLine()
            .getErr()
            .println("signed command " + command.id() + " written to " + out);
      }
      return 0;
    }
  }

  @picocli.CommandLine.Command(
      name = "send",
      description =
          "Publish a signed command through an uplink of a gateway configuration and wait for"
              + " its signed result; exit 0 when done.")
  static final class Send implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "DIR",
        description = "Configuration directory whose uplink reaches the gateway's broker.")
    Path directory;

    @Option(
        names = "--uplink",
        paramLabel = "ID",
        description = "The uplink to use (default: the first).")
    String uplinkId;

    @Option(
        names = "--timeout",
        defaultValue = "30s",
        paramLabel = "DURATION",
        description = "How long to wait for the result (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Parameters(paramLabel = "FILE", description = "The signed command, from 'cmd sign'.")
    Path file;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      byte[] message = Files.readAllBytes(file);
      JsonNode payload;
      try {
        payload = CommandFormat.readResult(message);
      } catch (IllegalArgumentException e) {
        err.println(
            "trustbridge cmd send: " + file + " is not a signed command: " + e.getMessage());
        return TrustBridgeCli.EXIT_CONFIG;
      }
      GatewayConfig config;
      try {
        config = new ConfigLoader(System.getenv()).load(directory);
      } catch (ConfigException e) {
        err.println("trustbridge cmd send: " + e.getMessage());
        return TrustBridgeCli.EXIT_CONFIG;
      }
      UplinkSettings uplink =
          config.uplinks().stream()
              .filter(u -> uplinkId == null || u.id().equals(uplinkId))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException("no uplink '" + uplinkId + "' in " + directory));
      String device = payload.path("device").asText();
      String id = payload.path("id").asText();
      String commandTopic =
          "tb/v1/"
              + payload.path("site").asText()
              + "/"
              + payload.path("gateway").asText()
              + "/"
              + device
              + "/cmd";
      try (Vault vault = Vaults.open(config.identity().key().vault())) {
        Identity identity = vault.identity(config.identity().key().alias());
        return exchange(operatorUplink(uplink, identity), commandTopic, message, id);
      } catch (VaultException e) {
        err.println("trustbridge cmd send: " + e.getMessage());
        return TrustBridgeCli.EXIT_FAILURE;
      } finally {
        config.identity().key().vault().clear();
      }
    }

    /** The uplink's broker and trust, as a client of its own that does not speak for a gateway. */
    private static UplinkSettings operatorUplink(UplinkSettings uplink, Identity identity) {
      UplinkSettings client =
          new UplinkSettings(
              uplink.id(),
              uplink.serverUri(),
              uplink.version(),
              Optional.of("trustbridge-cmd-" + UUID.randomUUID().toString().substring(0, 8)),
              uplink.keepAlive(),
              true,
              Duration.ZERO,
              uplink.caCertificateFile(),
              uplink.pinnedPublicKeys(),
              Optional.empty(),
              UplinkSettings.NO_CLIENT_KEY,
              uplink.tlsProtocols(),
              uplink.reconnectInitialDelay(),
              uplink.reconnectMaxDelay(),
              false);
      return client.tls()
          ? client.withClientKey(identity.keyManagerFactory(), identity.keyUri())
          : client;
    }

    private int exchange(UplinkSettings uplink, String commandTopic, byte[] message, String id)
        throws Exception {
      CompletableFuture<JsonNode> result = new CompletableFuture<>();
      CamelContext camel = new DefaultCamelContext();
      MqttComponent mqtt = new MqttComponent();
      mqtt.setSiteId("operator");
      mqtt.setGatewayId("cmd");
      mqtt.addUplink(uplink);
      camel.addComponent("mqtt", mqtt);
      camel.addRoutes(
          new RouteBuilder() {
            @Override
            public void configure() {
              from("mqtt:" + uplink.id() + "?topic=RAW(" + commandTopic + "/result)")
                  .routeId("command-result")
                  .process(
                      exchange -> {
                        JsonNode payload =
                            CommandFormat.readResult(exchange.getMessage().getBody(byte[].class));
                        if (id.equals(payload.path("id").asText())) {
                          result.complete(payload);
                        }
                      });
            }
          });
      camel.start();
      try {
        // the result subscription goes out as soon as the uplink connects, ahead of the command
        Instant deadline = Instant.now().plus(duration(timeout));
        while (!mqtt.isUplinkConnected(uplink.id()) && Instant.now().isBefore(deadline)) {
          Thread.sleep(50);
        }
        mqtt.publish(uplink.id(), commandTopic, message, false, duration(timeout)).get();
        JsonNode payload = result.get(duration(timeout).toMillis(), TimeUnit.MILLISECONDS);
        PrintWriter out = spec.commandLine().getOut();
        out.println(payload.toString());
        out.flush();
        return payload.path("status").asText().equals("done") ? 0 : TrustBridgeCli.EXIT_FAILURE;
      } catch (TimeoutException e) {
        spec.commandLine()
            .getErr()
            .println("trustbridge cmd send: no result for command " + id + " within " + timeout);
        return TrustBridgeCli.EXIT_FAILURE;
      } finally {
        camel.stop();
      }
    }
  }

  static Object value(String text) {
    String value = text.strip();
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      try {
        double number = Double.parseDouble(value);
        if (Double.isFinite(number)) {
          return number;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    throw new IllegalArgumentException(
        "--value must be true, false or a number, not '" + text + "'");
  }

  static Duration duration(String text) {
    Matcher matcher = DURATION.matcher(text.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration such as 500ms, 60s, 5m or 1h");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }
}
