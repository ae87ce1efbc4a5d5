package dev.trustbridge.sim.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbridge.sim.scenario.ScenarioException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario files: defaults, the sample plant, and problems located by file, line and field. */
class ScenarioTest {

  @Test
  void samplePlant_loads_threeDevicesTickingEverySecond() {
    Scenario plant = Scenario.samplePlant();

    assertThat(plant.deviceIds()).containsExactly("boiler-1", "pump-1", "energy-meter-1");
    assertThat(plant.tick()).isEqualTo(Duration.ofSeconds(1));
    assertThat(plant.source()).isEqualTo("classpath:" + Scenario.SAMPLE_PLANT_RESOURCE);
  }

  @Test
  void load_fileWithoutTick_defaultsToOneSecond(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("one.yaml");
    Files.writeString(
        file,
        """
        devices:
          - id: d
            points:
              - {table: coil, address: 0, type: bool, value: {constant: true}}
        """);

    Scenario scenario = Scenario.load(file);

    assertThat(scenario.tick()).isEqualTo(Duration.ofSeconds(1));
    assertThat(scenario.source()).isEqualTo(file.toString());
  }

  @Test
  void parse_plantOfMegabytes_beyondTheYamlParsersDefaultLimit_loads() {
    // 40,000 points take about 4 MB: more than the 3 MiB snakeyaml-engine reads by default
    StringBuilder yaml = new StringBuilder("devices:\n");
    for (int d = 0; d < 4; d++) {
      yaml.append("  - id: plc-").append(d).append("\n    points:\n");
      for (int p = 0; p < 10_000; p++) {
        yaml.append("      - {table: holdingRegister, address: ")
            .append(2 * p)
            .append(", type: float32, value: {ramp: {from: 0, to: 100, period: 60s}}}\n");
      }
    }
    assertThat(yaml.length()).isGreaterThan(3 << 20);

    Scenario scenario = Scenario.parse(yaml.toString(), "large.yaml");

    assertThat(scenario.deviceIds()).containsExactly("plc-0", "plc-1", "plc-2", "plc-3");
  }

  @Test
  void parse_unknownType_namesFileLineAndField() {
    assertThat(
            problems(
                """
                devices:
                  - id: boiler-1
                    points:
                      - table: holdingRegister
                        address: 0
                        type: int64
                        value: {constant: 1}
                """))
        .containsExactly(
            "plant.yaml:6:15: devices[0].points[0].type: unknown value 'int64'; expected one of"
                + " bool, float32, int16, int32, uint16, uint32");
  }

  @Test
  void parse_addressOutOfRange_namesFileLineAndField() {
    assertThat(
            problems(
                """
                devices:
                  - id: meter
                    points:
                      - {table: inputRegister, address: 70000, type: uint16, value: {constant: 1}}
                      - {table: inputRegister, address: 65535, type: float32, value: {constant: 1}}
                """))
        .containsExactly(
            "plant.yaml:4:41: devices[0].points[0].address: must be within 0..65535, got 70000",
            "plant.yaml:5:41: devices[0].points[1].address: float32 at 65535 runs past address"
                + " 65535");
  }

  @Test
  void parse_duplicateDeviceIdAndPort_namesBothPlaces() {
    assertThat(
            problems(
                """
                devices:
                  - id: pump
                    port: 5020
                    points: [{table: coil, address: 0, type: bool, value: {constant: true}}]
                  - id: pump
                    port: 5020
                    points: [{table: coil, address: 0, type: bool, value: {constant: true}}]
                """))
        .containsExactly(
            "plant.yaml:5:9: devices[1].id: duplicate device id 'pump', first at plant.yaml:2:9",
            "plant.yaml:6:11: devices[1].port: port 5020 is already used at plant.yaml:3:11");
  }

  @Test
  void parse_overlappingPoints_namesBothPoints() {
    assertThat(
            problems(
                """
                devices:
                  - id: boiler
                    points:
                      - {table: holdingRegister, address: 0, type: float32, value: {constant: 1}}
                      - {table: inputRegister, address: 1, type: uint16, value: {constant: 1}}
                      - {table: holdingRegister, address: 1, type: uint16, value: {constant: 1}}
                """))
        .containsExactly(
            "plant.yaml:6:9: devices[0].points[2]: holdingRegister 1 (uint16) overlaps"
                + " holdingRegister 0..1 (float32) at plant.yaml:4:9");
  }

  @Test
  void parse_manyProblems_reportsEveryOneAtOnce() {
    assertThatThrownBy(
            () ->
                Scenario.parse(
                    """
                    tick: 5ms
                    devices:
                      - id: boiler
                        unitId: 300
                        colour: red
                        points:
                          - {table: coil, address: 0, type: int16, value: {constant: 1}}
                          - {table: inputRegister, address: 0, type: int16, wordOrder: littleEndian, value: {constant: 40000}}
                          - {table: inputRegister, address: 1, type: uint16, value: {sine: {offset: 10, amplitude: 20, period: 1s}}}
                          - {table: discreteInput, address: 0, type: bool, value: {ramp: {from: 0, to: 1, period: 1s}}}
                          - {table: holdingRegister, address: 0, type: float32, value: {square: {}}}
                          - {table: holdingRegister, address: 2, type: uint32, value: {counter: {increment: 0.5}}}
                          - {table: holdingRegister, address: 4, type: int32, value: {randomWalk: {start: 0, step: 1, min: 5, max: 1}}}
                    """,
                    "plant.yaml"))
        .isInstanceOfSatisfying(
            ScenarioException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "plant.yaml:1:7: tick: must be at least 10ms, got 5ms",
                        "plant.yaml:4:13: devices[0].unitId: must be within 0..255, got 300",
                        "plant.yaml:5:5: devices[0].colour: unknown field; expected one of id,"
                            + " port, unitId, points",
                        "plant.yaml:7:41: devices[0].points[0].type: coil holds bool, not int16",
                        "plant.yaml:8:68: devices[0].points[1].wordOrder: applies only to 32-bit"
                            + " types",
                        "plant.yaml:8:100: devices[0].points[1].value.constant: int16 holds"
                            + " -32768..32767, got 40000",
                        "plant.yaml:9:96: devices[0].points[2].value.sine.amplitude: the sine"
                            + " spans -10.0..30.0 but uint16 holds 0..65535",
                        "plant.yaml:10:70: devices[0].points[3].value.ramp: bool points take only"
                            + " constant: true or false",
                        "plant.yaml:11:69: devices[0].points[4].value.square: unknown field;"
                            + " expected one of constant, ramp, sine, randomWalk, counter",
                        "plant.yaml:12:89: devices[0].points[5].value.counter.increment: uint32"
                            + " counts in whole numbers",
                        "plant.yaml:13:112: devices[0].points[6].value.randomWalk.max: must be"
                            + " greater than min 5.0"));
  }

  @Test
  void parse_noDevices_isRefused() {
    assertThat(problems("devices: []\n"))
        .containsExactly("plant.yaml:1:10: devices: a scenario needs at least one device");
  }

  @Test
  void parse_brokenYaml_namesLine() {
    assertThat(problems("devices:\n  - id: [unclosed\n"))
        .singleElement()
        .asString()
        .startsWith("plant.yaml:3:1: not valid YAML: ");
  }

  @Test
  void fromClasspath_missingResource_isRefused() {
    assertThatThrownBy(() -> Scenario.fromClasspath("no/such/scenario.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no scenario resource on the classpath: no/such/scenario.yaml");
  }

  private static List<String> problems(String yaml) {
    try {
      Scenario.parse(yaml, "plant.yaml");
    } catch (ScenarioException e) {
      assertThat(e.getMessage()).startsWith("scenario plant.yaml has ");
      return e.problems();
    }
    throw new AssertionError("expected problems in:\n" + yaml);
  }
}
