/**
 * An OPC UA server simulator: an honest peer for OPC UA clients in tests, demos and benchmarks,
 * built on Eclipse Milo's server SDK, with scenario files, real security and fault injection.
 *
 * <h2>Use</h2>
 *
 * <ul>
 *   <li>Java: {@link dev.trustbridge.sim.opcua.OpcUaSimulator#start(OpcUaScenario,
 *       java.nio.file.Path)} with {@link
 *       dev.trustbridge.sim.opcua.OpcUaScenario#load(java.nio.file.Path)}, {@link
 *       dev.trustbridge.sim.opcua.OpcUaScenario#parse(String, String)} or {@link
 *       dev.trustbridge.sim.opcua.OpcUaScenario#samplePlant()}; then {@code endpointUrl()}, {@code
 *       nodeId(path)}, values and faults on the simulator.
 *   <li>JUnit 5: {@link dev.trustbridge.sim.opcua.OpcUaSimulatorExtension} on a static field.
 *   <li>Command line: {@code SimulatorCli opcua --scenario line.yaml [--pki-dir DIR]} (class {@code
 *       dev.trustbridge.sim.cli.SimulatorCli}).
 * </ul>
 *
 * <h2>Scenario format</h2>
 *
 * <pre>{@code
 * name: packaging-line   # required; letters, digits, '.', '_', '-'; ApplicationUri urn:trustbridge:sim:<name>
 * port: 0                # optional, default 0 = a free port, see OpcUaSimulator.port()
 * tick: 1s               # optional, default 1s, at least 10ms: how often generated values change
 * security:              # optional; every field optional
 *   policies: [None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss]   # default: all four
 *   modes: [Sign, SignAndEncrypt]   # default both; offered with every policy but None (mode None)
 *   clientCertificates: trustList   # default; or acceptAll: any client application certificate
 *   anonymous: true                 # default true: offer the anonymous user token
 *   users:                          # optional: offer the username token for these users
 *     - {username: operator, password: "change-me"}
 *   userCertificates: false         # default false; true offers the X.509 user token
 * nodes:                 # at least one; a tree of folders and variables under the Objects folder
 *   - folder: Filler               # a folder: name, optional description, at least one node
 *     description: bottle filler
 *     nodes:
 *       - variable: Speed          # a variable: name, type, value; names are unique among siblings
 *         type: Double             # Boolean | Int16 | Int32 | Int64 | UInt16 | UInt32 | UInt64
 *                                  # | Float | Double | String | DateTime
 *         value: {sine: {offset: 120, amplitude: 8, period: 60s}}   # exactly one generator
 *         writable: false          # optional, default false: whether clients may write the value
 *         description: bottles per minute                           # optional
 * }</pre>
 *
 * <p>A scenario is read whole and may be at most 64 Mi code points of text: about 600,000 variables
 * written one per line in flow style, {@code - {variable: V00001, type: Double, value: {sine:
 * {offset: 1, amplitude: 10, period: 60s}}}}. One tick thread updates every variable and reports
 * each change to its monitored items, in time proportional to the number of variables.
 *
 * <p>Generators; time {@code t} is {@code n × tick} after start, so every value but {@code now} is
 * a function of the tick number {@code n} and a scenario replays identically:
 *
 * <ul>
 *   <li>Numeric types take the generators of the Modbus simulator, with the same checks: {@code
 *       constant: 21.5}, {@code ramp: {from, to, period}}, {@code sine: {offset, amplitude,
 *       period}}, {@code randomWalk: {start, step, min, max, seed}}, {@code counter: {start,
 *       increment}} (whole-number counters wrap like a device's). Integer types round generated
 *       values. Int64 and UInt64 take whole numbers up to 2<sup>53</sup> in a scenario, as
 *       generators compute in doubles; {@code setValue} takes their full range.
 *   <li>Boolean: {@code constant: true}, or {@code toggle: {period: 10s}}: {@code false}, flipping
 *       every period.
 *   <li>String: {@code constant: "text"} (write {@code ""} for empty text), or {@code cycle:
 *       {values: [Idle, Running], period: 30s}}: each value for one period, in turn.
 *   <li>DateTime: {@code constant: 2026-01-15T06:00:00Z} (ISO 8601 with offset), or {@code now:
 *       {}}: the wall-clock time at each tick.
 * </ul>
 *
 * <h2>Node ids and the address space</h2>
 *
 * <p>Every scenario node has the string node id {@code ns=<index>;s=<node path>}, where the node
 * path joins the folder and variable names from the top with {@code /} ({@code Filler/Speed}) and
 * {@code <index>} is the index of the namespace {@code urn:trustbridge:sim:<name>:nodes} in the
 * server's namespace table (2 with this SDK; clients should look the URI up). Top-level nodes are
 * organized by the Objects folder, nested ones by their folder; browse names are {@code
 * <index>:<name>}. Variables are scalars of type BaseDataVariableType with the scenario's DataType,
 * AccessLevel and UserAccessLevel CurrentRead (and CurrentWrite when writable), and a
 * MinimumSamplingInterval of one tick.
 *
 * <h2>Writes by a client</h2>
 *
 * <p>A writable variable stores what a client writes after the server has checked the data type (a
 * mismatch is answered with Bad_TypeMismatch; writing a read-only variable with
 * Bad_UserAccessDenied). A {@code constant} variable keeps the written value; one with any other
 * generator behaves like a value the device's own logic computes: the next tick overwrites the
 * write. {@link dev.trustbridge.sim.opcua.OpcUaSimulator#setValue setValue} pins a variable to a
 * constant. Values outlive server restarts.
 *
 * <h2>Subscriptions</h2>
 *
 * <p>Monitored items are served by exception: every change of a value is reported to its items at
 * once (values change at most once per tick); the publishing interval batches them as usual.
 *
 * <h2>Endpoints and security</h2>
 *
 * <p>The server listens on 127.0.0.1 and offers every configured policy and mode at one endpoint
 * URL, {@code opc.tcp://127.0.0.1:<port>} (no path). Its application certificate is RSA 2048,
 * self-signed, valid for a year, with the ApplicationUri, DNS {@code localhost} and IP {@code
 * 127.0.0.1} as subject alternative names; it is created in the PKI directory on first use and
 * reused while it matches the ApplicationUri and is valid for more than a day. A secure channel
 * (any policy but None) is opened only for a client whose application certificate, or a CA
 * certificate that issued it, is in the trusted list ({@code trusted/certs}) and within its
 * validity period; its session only if that certificate names the client's ApplicationUri. Refused
 * certificates are logged and copied to {@code rejected/certs}. {@code clientCertificates:
 * acceptAll} turns the check off. X.509 user certificates are checked the same way against {@code
 * users/trusted/certs}. The username and X.509 token policies are those of the SDK, secured with
 * Basic256Sha256 even on a None channel, so passwords never travel in clear.
 */
package dev.trustbridge.sim.opcua;
