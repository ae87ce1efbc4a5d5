package dev.trustbridge.policy.rules;

/**
 * A condition that does not compile, located in its policy file.
 *
 * @param file the policy file as named to the operator
 * @param line 1-based line
 * @param column 1-based column, or 0 when unknown
 * @param ruleId the rule the condition belongs to
 * @param message what CEL reports
 */
public record PolicyProblem(String file, int line, int column, String ruleId, String message) {}
