package dev.trustbridge.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunCommandTest {

  @TempDir Path config;

  @Test
  void brokenConfiguration_exitsWithConfigCodeAndNamesFileLineAndField() throws Exception {
    Files.writeString(
        config.resolve("trustbridge.yaml"),
        """
        site: plant-a
        gateway: gw-01
        devices:
          - id: boiler-1
            protocol: modbus
            endpoint: 127.0.0.1:5020
            tags:
              - {name: t, table: holdingRegister, address: 0, type: float23}
        uplinks:
          - id: cloud
            server: ssl://127.0.0.1:8883
            tls: {keyStore: gw.p12}
        vault:
          type: pkcs11
          uri: "pkcs11:token=trustbridge?module-path=/usr/lib/softhsm/libsofthsm2.so"
          pin: ${env:TB_TEST_UNSET_PIN}
        """);
    Files.createDirectories(config.resolve("routes"));
    Files.writeString(
        config.resolve("routes/telemetry.camel.yaml"),
        """
        - route:
            id: telemetry
            from:
              uri: modbus:boiler-9
              steps:
                - to: mqtt:cloud
        """);
    StringWriter err = new StringWriter();
    CommandLine cli = TrustBridgeCli.commandLine().setErr(new PrintWriter(err));

    int exitCode = cli.execute("run", "--config", config.toString());

    assertThat(exitCode).isEqualTo(TrustBridgeCli.EXIT_CONFIG);
    assertThat(err.toString())
        .startsWith("trustbridge: not started, 4 configuration problems:")
        .contains(
            "routes/telemetry.camel.yaml:4:12: [0].route.from.uri: names unknown device 'boiler-9'"
                + " (registered: boiler-1)")
        .contains(
            "trustbridge.yaml:8:61: devices[0].tags[0].type: unknown value 'float23' (expected one"
                + " of: bool, int16, uint16, int32, uint32, float32)")
        .contains(
            "trustbridge.yaml:12:11: uplinks[0].tls.keyStore: unknown key (expected one of:"
                + " caCertificate, protocols, pinnedPublicKeys)")
        .contains(
            "trustbridge.yaml:16:8: vault.pin: environment variable TB_TEST_UNSET_PIN is not set");
  }

  @Test
  void missingConfigDirectory_exitsWithConfigCode() {
    StringWriter err = new StringWriter();
    CommandLine cli = TrustBridgeCli.commandLine().setErr(new PrintWriter(err));

    int exitCode = cli.execute("run", "--config", config.resolve("absent").toString());

    assertThat(exitCode).isEqualTo(TrustBridgeCli.EXIT_CONFIG);
    assertThat(err.toString())
        .contains("trustbridge.yaml: file not found in " + config.resolve("absent"));
  }
}
