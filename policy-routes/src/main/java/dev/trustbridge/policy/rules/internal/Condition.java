package dev.trustbridge.policy.rules.internal;

import com.google.protobuf.NullValue;
import com.google.protobuf.Timestamp;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.trustbridge.policy.rules.Expression;
import dev.trustbridge.policy.rules.PolicyProblem;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A compiled CEL condition that yields a bool. */
public final class Condition {

  /** The variables a condition sees; telemetry and commands each have their own set. */
  public enum Scope {
    TELEMETRY(
        Map.of(
            "device", SimpleType.STRING,
            "tag", SimpleType.STRING,
            "value", SimpleType.DYN,
            "quality", SimpleType.STRING,
            "unit", SimpleType.STRING,
            "time", SimpleType.TIMESTAMP)),
    COMMAND(
        Map.of(
            "device", SimpleType.STRING,
            "tag", SimpleType.STRING,
            "value", SimpleType.DYN,
            "roles", ListType.create(SimpleType.STRING),
            "signer", SimpleType.STRING,
            "time", SimpleType.TIMESTAMP));

    private final CelCompiler compiler;

    Scope(Map<String, CelType> variables) {
      CelCompilerBuilder builder =
          CelCompilerFactory.standardCelCompilerBuilder()
              .setOptions(OPTIONS)
              .setResultType(SimpleType.BOOL);
      variables.forEach(builder::addVar);
      this.compiler = builder.build();
    }
  }

  private static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

  private final String source;
  private final CelRuntime.Program program;

  private Condition(String source, CelRuntime.Program program) {
    this.source = source;
    this.program = program;
  }

  /**
   * Compiles the expression, or adds what is wrong with it to {@code problems}.
   *
   * @return the condition, or {@code null} when it does not compile (the problems say why)
   */
  public static Condition compile(
      Scope scope, Expression expression, String ruleId, List<PolicyProblem> problems) {
    CelValidationResult result = scope.compiler.compile(expression.source(), expression.file());
    if (result.hasError()) {
      for (CelIssue issue : result.getErrors()) {
        int celLine = issue.getSourceLocation().getLine();
        int celColumn = issue.getSourceLocation().getColumn();
        problems.add(
            new PolicyProblem(
                expression.file(),
                celLine > 0 ? expression.line() + celLine - 1 : expression.line(),
                celColumn >= 0 ? expression.column() + celColumn : expression.column(),
                ruleId,
                "CEL: " + issue.getMessage()));
      }
      return null;
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      return new Condition(expression.source(), RUNTIME.createProgram(ast));
    } catch (Exception e) {
      problems.add(
          new PolicyProblem(
              expression.file(),
              expression.line(),
              expression.column(),
              ruleId,
              "CEL: " + e.getMessage()));
      return null;
    }
  }

  /**
   * Evaluates the condition.
   *
   * @throws CelEvaluationException if evaluation fails, e.g. on a comparison with a missing value
   */
  public boolean test(Map<String, Object> variables) throws CelEvaluationException {
    return Boolean.TRUE.equals(program.eval(variables));
  }

  /** The variables common to both scopes, with a value of {@code null} bound as CEL null. */
  public static Map<String, Object> variables(
      String device, String tag, Object value, Instant time) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("device", device);
    variables.put("tag", tag);
    variables.put("value", value == null ? NullValue.NULL_VALUE : value);
    variables.put(
        "time",
        Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()).build());
    return variables;
  }

  @Override
  public String toString() {
    return source;
  }
}
