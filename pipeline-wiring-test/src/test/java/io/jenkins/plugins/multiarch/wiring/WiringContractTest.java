package io.jenkins.plugins.multiarch.wiring;

import io.jenkins.plugins.multiarch.contract.Wiring;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.CodeVisitorSupport;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.PropertyExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.Phases;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract between the wiring script and the Java steps: the script reads exactly the keys {@link Wiring}
 * marks as read by the script, of each step's answer, and keeps every step's answer in a variable this test knows.
 * Read from the script's syntax tree, so that a renamed or misspelt key fails here and not in a user's build.
 */
class WiringContractTest {
    /** The variable that holds each step's answer in the script, and the keys that answer has. */
    private static final Map<String, Class<? extends Enum<?>>> VARIABLES = Map.of(
            "plan", Wiring.Plan.class,
            "p", Wiring.PlanPlatform.class,
            "run", Wiring.PlanRun.class,
            "agent", Wiring.Await.class,
            "r", Wiring.PlatformAnswer.class,
            "gate", Wiring.Gate.class,
            "published", Wiring.Published.class);

    private static final class Reads extends CodeVisitorSupport {
        final Map<String, Set<String>> keys = new TreeMap<>();
        final Map<String, Set<String>> assignedFrom = new TreeMap<>();

        @Override
        public void visitPropertyExpression(PropertyExpression e) {
            if (e.getObjectExpression() instanceof VariableExpression v && VARIABLES.containsKey(v.getName())) {
                keys.computeIfAbsent(v.getName(), k -> new LinkedHashSet<>()).add(e.getPropertyAsString());
            }
            super.visitPropertyExpression(e);
        }

        @Override
        public void visitBinaryExpression(BinaryExpression e) {
            // both `def x = script.multiArchX(...)` and `x = script.multiArchX(...)`
            if (e.getOperation().getText().equals("=") && e.getLeftExpression() instanceof VariableExpression v
                    && stepCall(e.getRightExpression()) != null) {
                assignedFrom.computeIfAbsent(v.getName(), k -> new LinkedHashSet<>()).add(stepCall(e.getRightExpression()));
            }
            super.visitBinaryExpression(e);
        }

        private static String stepCall(Expression e) {
            return e instanceof MethodCallExpression m && m.getMethodAsString() != null
                    && m.getMethodAsString().startsWith("multiArch") ? m.getMethodAsString() : null;
        }
    }

    private static Reads readScript() {
        File source = new File(System.getProperty("multiarch.pipelineScript",
                "../plugin/src/main/resources/io/jenkins/plugins/multiarch/MultiArchImagePipeline.groovy"));
        CompilationUnit unit = new CompilationUnit();
        unit.addSource(source);
        unit.compile(Phases.CONVERSION);
        Reads reads = new Reads();
        for (ClassNode type : unit.getAST().getClasses()) {
            for (MethodNode m : type.getMethods()) {
                if (m.getCode() != null) {
                    m.getCode().visit(reads);
                }
            }
        }
        return reads;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Set<String> scriptKeys(Class<? extends Enum<?>> type) {
        return Wiring.scriptKeys((Class) type);
    }

    @Test
    void shouldReadExactlyTheKeysOfEachAnswerThatTheContractMarks() {
        // Given
        Reads reads = readScript();

        // When
        Map<String, Set<String>> expected = new TreeMap<>();
        VARIABLES.forEach((variable, type) -> expected.put(variable, scriptKeys(type)));

        // Then
        assertThat(reads.keys).isEqualTo(expected);
    }

    @Test
    void shouldKeepEveryStepAnswerInAVariableOfTheContract() {
        // Given
        Reads reads = readScript();

        // When
        Map<String, Set<String>> calls = new LinkedHashMap<>(reads.assignedFrom);

        // Then: each step's answer lands in the variable the contract names for it
        assertThat(calls).containsOnlyKeys("plan", "agent", "r", "gate", "published");
        assertThat(calls.get("plan")).containsExactly("multiArchPlan");
        assertThat(calls.get("agent")).containsExactly("multiArchAwaitAgent");
        assertThat(calls.get("r")).containsExactlyInAnyOrder("multiArchPlatform", "multiArchPlatformFailed");
        assertThat(calls.get("gate")).containsExactly("multiArchGate");
        assertThat(calls.get("published")).containsExactly("multiArchPublish");
    }

    @Test
    void shouldDetectAKeyTheContractDoesNotHave() {
        // Given: the check itself can fail: a key outside the contract is seen
        Reads reads = new Reads();
        PropertyExpression misspelt = new PropertyExpression(new VariableExpression("plan"), "stashIncludez");

        // When
        reads.visitPropertyExpression(misspelt);

        // Then
        assertThat(reads.keys.get("plan")).containsExactly("stashIncludez");
        assertThat(scriptKeys(Wiring.Plan.class)).doesNotContain("stashIncludez");
    }
}
