/**
 * What the scenario files of every simulator share: {@link
 * dev.trustbridge.sim.scenario.ScenarioException}, which lists each problem of a scenario with its
 * file, line, column and field.
 */
package dev.trustbridge.sim.scenario;
