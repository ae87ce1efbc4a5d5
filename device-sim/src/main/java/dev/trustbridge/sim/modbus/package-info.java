/**
 * A Modbus TCP device simulator: an honest peer for Modbus masters in tests, demos and benchmarks,
 * built on j2mod's protocol classes, with scenario files and fault injection.
 *
 * <h2>Use</h2>
 *
 * <ul>
 *   <li>Java: {@link dev.trustbridge.sim.modbus.ModbusSimulator#start(Scenario)} with {@link
 *       dev.trustbridge.sim.modbus.Scenario#load(java.nio.file.Path)}, {@link
 *       dev.trustbridge.sim.modbus.Scenario#parse(String, String)} or {@link
 *       dev.trustbridge.sim.modbus.Scenario#samplePlant()}; then {@code simulator.device(id)} for
 *       ports, values and faults.
 *   <li>JUnit 5: {@link dev.trustbridge.sim.modbus.ModbusSimulatorExtension} on a static field.
 *   <li>Command line: {@code SimulatorCli modbus --scenario plant.yaml} (class {@code
 *       dev.trustbridge.sim.cli.SimulatorCli}).
 * </ul>
 *
 * <h2>Scenario format</h2>
 *
 * <pre>{@code
 * tick: 1s                  # optional, default 1s, at least 10ms: how often generated values change
 * devices:
 *   - id: boiler-1          # required, unique; letters, digits, '.', '_', '-'
 *     port: 0               # optional, default 0 = a free port, see SimulatedDevice.port(); else unique
 *     unitId: 1             # optional, default 1, 0..255
 *     points:               # at least one; points of one table must not overlap
 *       - table: holdingRegister   # coil | discreteInput | inputRegister | holdingRegister
 *         address: 0               # 0-based protocol address, 0..65535
 *         type: float32            # bool (coil, discreteInput) | int16 | uint16 | int32 | uint32 | float32
 *         byteOrder: bigEndian     # optional, registers only: bytes within each register
 *         wordOrder: littleEndian  # optional, 32-bit types only: littleEndian = low word first
 *         value: {constant: 21.5}  # exactly one generator, see below
 * }</pre>
 *
 * <p>32-bit types span two registers, {@code address} and {@code address + 1}. Both orders default
 * to {@code bigEndian}, the Modbus convention. Example: float32 21.5 is {@code 0x41AC0000};
 * big-endian words give registers {@code [0x41AC, 0x0000]}, {@code wordOrder: littleEndian} gives
 * {@code [0x0000, 0x41AC]}, and {@code byteOrder: littleEndian} swaps the bytes in each register
 * ({@code [0xAC41, 0x0000]}).
 *
 * <p>Generators; time {@code t} is {@code n × tick} after start, so every value is a function of
 * the tick number {@code n} and a scenario replays identically:
 *
 * <ul>
 *   <li>{@code constant: 21.5} (or {@code true}/{@code false} for bool): the only generator for
 *       bool.
 *   <li>{@code ramp: {from: 0, to: 100, period: 60s}}: a sawtooth from {@code from} to {@code to}.
 *   <li>{@code sine: {offset: 200, amplitude: 50, period: 60s}}.
 *   <li>{@code randomWalk: {start: 125, step: 2, min: 100, max: 150, seed: 42}}: each tick adds a
 *       uniform step in {@code [-step, step]}, held within {@code [min, max]}; {@code seed}
 *       defaults to 0.
 *   <li>{@code counter: {start: 0, increment: 1}}: {@code start + increment × n}; both optional;
 *       whole-number types wrap like a device's counter (uint16 65535 + 1 is 0).
 * </ul>
 *
 * <p>Values are checked against the type: constants and counter starts must be exact (whole numbers
 * within range for integer types); ramp ends, the sine's extent and the random walk's bounds must
 * lie within the type's range. Integer types round generated values to the nearest whole number.
 * Durations are written {@code 500ms}, {@code 1.5s}, {@code 2m} or {@code 1h}; integers may be
 * written in hex ({@code 0x41AC}).
 *
 * <h2>Writes by a master</h2>
 *
 * <p>A device stores what a master writes to coils and holding registers. A {@code constant} point
 * keeps the written value; a point with any other generator behaves like a value the device's own
 * logic computes: the next tick overwrites the write. {@link
 * dev.trustbridge.sim.modbus.SimulatedDevice#setValue setValue} and {@link
 * dev.trustbridge.sim.modbus.SimulatedDevice#setBit setBit} pin a point to a constant.
 *
 * <h2>Protocol behaviour</h2>
 *
 * <p>Each device listens on its own port (devices do not share a port) and answers only its unit
 * id; other unit ids get exception 11 (gateway target device failed to respond). Requests touching
 * an address without a point get exception 2 (illegal data address); unsupported function codes get
 * exception 1. Replies set {@code TCP_NODELAY}. Idle connections are kept open.
 */
package dev.trustbridge.sim.modbus;
