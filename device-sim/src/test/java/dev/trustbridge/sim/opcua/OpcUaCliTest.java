package dev.trustbridge.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.sim.cli.SimulatorCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code SimulatorCli opcua}: what it prints, that it serves, and how it fails. */
class OpcUaCliTest {

  @Test
  void opcua_scenarioFile_printsEndpointAndCertificateServesAndClosesOnSigterm(@TempDir Path dir)
      throws Exception {
    Path scenario = dir.resolve("tank.yaml");
    Files.writeString(
        scenario,
        """
        name: tank-farm
        security: {policies: [None, Basic256Sha256], modes: [SignAndEncrypt]}
        nodes: [{folder: Tank1, nodes: [{variable: Level, type: Float, value: {constant: 3.25}}]}]
        """);
    Path pki = dir.resolve("pki");
    Path stderr = dir.resolve("stderr.txt");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SimulatorCli.class.getName(),
                "opcua",
                "--scenario",
                scenario.toString(),
                "--pki-dir",
                pki.toString())
            .redirectError(stderr.toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      Map<String, String> printed = new LinkedHashMap<>();
      for (int i = 0; i < 7; i++) {
        String line = out.readLine();
        assertThat(line).as("stderr: %s", Files.readString(stderr)).contains("=");
        printed.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }

      assertThat(printed.keySet())
          .containsExactly(
              "endpoint",
              "applicationUri",
              "certificateSha256",
              "security",
              "userTokens",
              "namespace",
              "pki");
      assertThat(printed.get("endpoint")).matches("opc\\.tcp://127\\.0\\.0\\.1:\\d+");
      assertThat(printed.get("applicationUri")).isEqualTo("urn:trustbridge:sim:tank-farm");
      assertThat(printed.get("certificateSha256")).matches("[0-9a-f]{64}");
      assertThat(printed.get("security")).isEqualTo("None,Basic256Sha256/SignAndEncrypt");
      assertThat(printed.get("userTokens")).isEqualTo("anonymous");
      assertThat(printed.get("namespace")).isEqualTo("urn:trustbridge:sim:tank-farm:nodes index=2");
      assertThat(Path.of(printed.get("pki"))).isEqualTo(pki.toAbsolutePath());
      assertThat(pki.resolve("own").resolve("certs").resolve("application.der")).isRegularFile();

      OpcUaClient client = Clients.anonymous(printed.get("endpoint"));
      try {
        assertThat(
                client
                    .readValue(0, TimestampsToReturn.Both, NodeId.parse("ns=2;s=Tank1/Level"))
                    .value()
                    .value())
            .isEqualTo(3.25f);
      } finally {
        Clients.disconnectQuietly(client);
      }

      process.destroy();

      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(stderr)).contains("opcua simulator closed");
      assertThat(pki).isDirectory();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void opcua_invalidScenario_printsProblemsAndExitsWith2(@TempDir Path dir) throws Exception {
    Path scenario = dir.resolve("bad.yaml");
    Files.writeString(scenario, "name: bad\nnodes: []\n");
    StringWriter err = new StringWriter();

    int status =
        new CommandLine(new SimulatorCli())
            .setErr(new PrintWriter(err, true))
            .execute("opcua", "--scenario", scenario.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .contains(scenario + ":2:8: nodes: a scenario needs at least one node");
  }

  @Test
  void opcua_portTaken_exitsWith3(@TempDir Path dir) throws Exception {
    try (OpcUaSimulator running =
        OpcUaSimulator.start(
            OpcUaScenario.parse(
                "name: first\nsecurity: {policies: [None]}\nnodes: [{variable: X, type: Int32,"
                    + " value: {constant: 1}}]\n",
                "first.yaml"))) {
      Path scenario = dir.resolve("second.yaml");
      Files.writeString(
          scenario,
          "name: second\nport: %d\nsecurity: {policies: [None]}\nnodes: [{variable: X, type: Int32, value: {constant: 1}}]\n"
              .formatted(running.port()));
      StringWriter err = new StringWriter();

      int status =
          new CommandLine(new SimulatorCli())
              .setErr(new PrintWriter(err, true))
              .execute("opcua", "--scenario", scenario.toString());

      assertThat(status).isEqualTo(3);
      assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + running.port());
    }
  }
}
