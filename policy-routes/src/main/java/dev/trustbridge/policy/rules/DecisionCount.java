package dev.trustbridge.policy.rules;

/**
 * How often a rule decided with one result since the gateway started.
 *
 * @param direction {@code telemetry} or {@code command}
 * @param rule the rule id, or {@code default}
 * @param result e.g. {@code allowed}, {@code denied}, {@code rate-limited}
 */
public record DecisionCount(String direction, String rule, String result, long count) {}
