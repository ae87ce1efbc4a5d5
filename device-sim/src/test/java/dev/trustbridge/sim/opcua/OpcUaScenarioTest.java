package dev.trustbridge.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbridge.sim.scenario.ScenarioException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OPC UA scenario files: defaults, the node tree, and problems located by file, line and field. */
class OpcUaScenarioTest {

  @Test
  void load_minimalFile_defaultsToEverySecurityPolicyAndAnonymous(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("line.yaml");
    Files.writeString(
        file,
        """
        name: line-3
        nodes:
          - folder: Filler
            nodes:
              - {variable: Speed, type: Double, value: {constant: 120}}
              - folder: Valves
                nodes: [{variable: Open, type: Boolean, value: {toggle: {period: 10s}}}]
          - {variable: State, type: String, value: {constant: Running}}
        """);

    OpcUaScenario scenario = OpcUaScenario.load(file);

    assertThat(scenario.source()).isEqualTo(file.toString());
    assertThat(scenario.name()).isEqualTo("line-3");
    assertThat(scenario.applicationUri()).isEqualTo("urn:trustbridge:sim:line-3");
    assertThat(scenario.namespaceUri()).isEqualTo("urn:trustbridge:sim:line-3:nodes");
    assertThat(scenario.port()).isZero();
    assertThat(scenario.tick()).isEqualTo(Duration.ofSeconds(1));
    assertThat(scenario.variablePaths())
        .containsExactly("Filler/Speed", "Filler/Valves/Open", "State");
    assertThat(scenario.securityPolicies())
        .containsExactly(
            "None",
            "Basic256Sha256/Sign",
            "Basic256Sha256/SignAndEncrypt",
            "Aes128_Sha256_RsaOaep/Sign",
            "Aes128_Sha256_RsaOaep/SignAndEncrypt",
            "Aes256_Sha256_RsaPss/Sign",
            "Aes256_Sha256_RsaPss/SignAndEncrypt");
    assertThat(scenario.userTokens()).containsExactly("anonymous");
  }

  @Test
  void parse_chosenSecurity_offersOnlyThat() {
    OpcUaScenario scenario =
        OpcUaScenario.parse(
            """
            name: locked
            security:
              policies: [Aes256_Sha256_RsaPss, Basic256Sha256]
              modes: [SignAndEncrypt]
              anonymous: false
              users: [{username: operator, password: "  spaced  "}]
              userCertificates: true
            nodes: [{variable: X, type: Int32, value: {constant: 1}}]
            """,
            "locked.yaml");

    assertThat(scenario.securityPolicies())
        .containsExactly("Aes256_Sha256_RsaPss/SignAndEncrypt", "Basic256Sha256/SignAndEncrypt");
    assertThat(scenario.userTokens()).containsExactly("username", "certificate");
  }

  @Test
  void parse_badNodes_namesFileLineAndField() {
    assertThat(
            problems(
                """
                name: line
                nodes:
                  - folder: Filler
                    nodes:
                      - {variable: Speed, type: Decimal, value: {constant: 1}}
                      - {variable: Speed, type: Double, value: {constant: 1}}
                      - {variable: Fill/Level, type: Double, value: {constant: 1}}
                      - {folder: Empty, nodes: []}
                      - {variable: Both, folder: Both, nodes: []}
                      - {name: Nameless}
                """))
        .containsExactly(
            "line.yaml:5:33: nodes[0].nodes[0].type: unknown value 'Decimal'; expected one of"
                + " Boolean, DateTime, Double, Float, Int16, Int32, Int64, String, UInt16, UInt32,"
                + " UInt64",
            "line.yaml:6:20: nodes[0].nodes[1].variable: duplicate name 'Speed' in Filler, first at"
                + " line.yaml:5:20",
            "line.yaml:7:20: nodes[0].nodes[2].variable: 'Fill/Level' must be letters, digits,"
                + " '.', '_', '-'",
            "line.yaml:8:32: nodes[0].nodes[3].nodes: a folder needs at least one node",
            "line.yaml:9:9: nodes[0].nodes[4]: is either a folder or a variable, not both",
            "line.yaml:10:9: nodes[0].nodes[5]: needs either folder: NAME or variable: NAME");
  }

  @Test
  void parse_badValues_namesFileLineAndField() {
    assertThat(
            problems(
                """
                name: line
                nodes:
                  - {variable: A, type: Int16, value: {constant: 40000}}
                  - {variable: B, type: UInt32, value: {sine: {offset: 10, amplitude: 20, period: 1s}}}
                  - {variable: C, type: Boolean, value: {ramp: {from: 0, to: 1, period: 1s}}}
                  - {variable: D, type: String, value: {constant: }}
                  - {variable: E, type: DateTime, value: {constant: 2026-13-01T00:00:00Z}}
                  - {variable: F, type: DateTime, value: {now: {every: 1s}}}
                  - {variable: G, type: String, value: {cycle: {values: [], period: 1s}}}
                  - {variable: H, type: Int64, value: {constant: 9007199254740993}}
                  - {variable: I, type: Double, writable: maybe, value: {counter: {increment: 0}}}
                """))
        .containsExactly(
            "line.yaml:3:50: nodes[0].value.constant: Int16 holds -32768..32767, got 40000",
            "line.yaml:4:71: nodes[1].value.sine.amplitude: the sine spans -10.0..30.0 but UInt32"
                + " holds 0..4294967295",
            "line.yaml:5:42: nodes[2].value.ramp: unknown field; expected one of constant, toggle",
            "line.yaml:6:50: nodes[3].value.constant: expected text; write \"\" for empty text",
            "line.yaml:7:53: nodes[4].value.constant: expected a time like 2026-01-15T06:00:00Z"
                + " (ISO 8601 with offset), got '2026-13-01T00:00:00Z'",
            "line.yaml:8:48: nodes[5].value.now: takes no parameters; write now: {}",
            "line.yaml:9:57: nodes[6].value.cycle.values: needs at least one value",
            "line.yaml:10:50: nodes[7].value.constant: Int64 holds"
                + " -9007199254740992..9007199254740992, got 9007199254740993",
            "line.yaml:11:43: nodes[8].writable: expected true or false, got 'maybe'",
            "line.yaml:11:79: nodes[8].value.counter.increment: must not be 0; use constant");
  }

  @Test
  void parse_badSecurity_namesFileLineAndField() {
    assertThat(
            problems(
                """
                name: line
                tick: 5ms
                port: 70000
                security:
                  policies: [None, Basic128Rsa15, None]
                  modes: []
                  clientCertificates: trustEveryone
                  users:
                    - {username: op, password: a}
                    - {username: op, password: b}
                    - {username: viewer}
                nodes: [{variable: X, type: Int32, value: {constant: 1}}]
                colour: red
                """))
        .containsExactly(
            "line.yaml:2:7: tick: must be at least 10ms, got 5ms",
            "line.yaml:3:7: port: must be within 0..65535, got 70000",
            "line.yaml:5:20: security.policies[1]: unknown value 'Basic128Rsa15'; expected one of"
                + " Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss, Basic256Sha256, None",
            "line.yaml:5:35: security.policies[2]: appears twice",
            "line.yaml:6:10: security.modes: needs at least one value",
            "line.yaml:6:10: security.modes: applies only to policies other than None",
            "line.yaml:7:23: security.clientCertificates: unknown value 'trustEveryone'; expected"
                + " one of acceptAll, trustList",
            "line.yaml:10:18: security.users[1].username: duplicate user 'op', first at"
                + " line.yaml:9:18",
            "line.yaml:11:7: security.users[2].password: is required",
            "line.yaml:13:1: scenario.colour: unknown field; expected one of name, port, tick, security,"
                + " nodes");
  }

  @Test
  void parse_noUserToken_isRefused() {
    assertThat(
            problems(
                """
                name: line
                security: {anonymous: false}
                nodes: [{variable: X, type: Int32, value: {constant: 1}}]
                """))
        .containsExactly(
            "line.yaml:2:11: security: offers no user token; allow anonymous, add users or set"
                + " userCertificates: true");
  }

  @Test
  void parse_missingNameAndNodes_namesBoth() {
    assertThat(problems("tick: 1s\n"))
        .containsExactly(
            "line.yaml:1:1: scenario.name: is required",
            "line.yaml:1:1: scenario.nodes: is required");
  }

  @Test
  void parse_brokenYaml_namesLine() {
    assertThat(problems("name: x\nnodes: [unclosed\n"))
        .singleElement()
        .asString()
        .startsWith("line.yaml:3:1: not valid YAML: ");
  }

  private static List<String> problems(String yaml) {
    try {
      OpcUaScenario.parse(yaml, "line.yaml");
    } catch (ScenarioException e) {
      assertThat(e.getMessage()).startsWith("scenario line.yaml has ");
      return e.problems();
    }
    throw new AssertionError("expected problems in:\n" + yaml);
  }
}
