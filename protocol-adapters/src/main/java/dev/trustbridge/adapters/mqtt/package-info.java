/**
 * The {@code mqtt:} Camel component: the gateway's uplinks to MQTT brokers.
 *
 * <p>The runtime registers one {@link dev.trustbridge.adapters.mqtt.MqttComponent} with the site
 * and gateway ids and one {@link dev.trustbridge.adapters.mqtt.UplinkSettings} per broker; routes
 * then name an uplink:
 *
 * <pre>{@code
 * - from:
 *     uri: direct:telemetry
 *     steps:
 *       - to:
 *           uri: mqtt:cloud
 *           parameters:
 *             topic: "tb/v1/{site}/{gateway}/{device}/telemetry"
 *             qos: 1
 * - from:
 *     uri: mqtt:cloud
 *     parameters:
 *       topic: "tb/v1/{site}/{gateway}/+/cmd"
 *     steps:
 *       - to: direct:commands
 * }</pre>
 *
 * <p>Options are described on {@link dev.trustbridge.adapters.mqtt.MqttConfiguration}, headers on
 * {@link dev.trustbridge.adapters.mqtt.MqttConstants}. Failures reach the exchange as {@link
 * dev.trustbridge.adapters.mqtt.MqttUplinkException}.
 */
package dev.trustbridge.adapters.mqtt;
