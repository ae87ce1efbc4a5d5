/**
 * JMH micro-benchmarks of the trust core. Each signed or verified path is measured next to a bare
 * pipeline (the same samples as plain JSON) in the same run, so that results are read as ratios.
 */
package dev.trustbridge.benchmarks;
