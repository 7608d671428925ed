package io.jenkins.plugins.multiarch.wiring;

import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyObject;
import io.jenkins.plugins.multiarch.contract.Wiring;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.cps.CpsScript;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.support.steps.AgentErrorCondition;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs the plugin's real {@code MultiArchImagePipeline.groovy} against {@link RecordingScript}: what a user sees
 * in the stage view (a stage per platform, each on its agent, a publish stage only when it should be) follows
 * from these calls.
 */
class MultiArchImagePipelineTest {
    private static final String AMD64 = "linux/amd64";
    private static final String ARM64 = "linux/arm64";
    private static final String RISCV = "linux/riscv64";

    private static final String ID = "20250101-000000-abcdef";

    private static Map<String, Object> entry(String platform, String label) {
        return entry(ID, "", platform, label);
    }

    private static Map<String, Object> entry(String plan, String variant, String platform, String label) {
        return Wiring.answer(Wiring.PlanPlatform.class).put(Wiring.PlanPlatform.platform, platform)
                .put(Wiring.PlanPlatform.label, label)
                .put(Wiring.PlanPlatform.plan, plan)
                .put(Wiring.PlanPlatform.stage, variant.isEmpty() ? platform : variant + " " + platform).toMap();
    }

    private static Map<String, Object> run(String id, String variant) {
        return Wiring.answer(Wiring.PlanRun.class).put(Wiring.PlanRun.id, id).put(Wiring.PlanRun.variant, variant)
                .put(Wiring.PlanRun.publishStage, variant.isEmpty() ? "publish" : "publish " + variant).toMap();
    }

    /** A plan as multiArchPlan answers it: amd64 and arm64 on native labels, riscv64 on the emulation label. */
    private static Map<String, Object> plan(boolean failFast, boolean junit) {
        return Wiring.answer(Wiring.Plan.class)
                .put(Wiring.Plan.id, "20250101-000000-abcdef")
                .put(Wiring.Plan.image, "registry.example/app")
                .put(Wiring.Plan.failFast, failFast)
                .put(Wiring.Plan.stash, "multiarch-20250101-000000-abcdef")
                .put(Wiring.Plan.stashIncludes, "app/**")
                .put(Wiring.Plan.stashExcludes, "app/.git,app/.git/**")
                .put(Wiring.Plan.workDir, "multiarch-20250101-000000-abcdef")
                .put(Wiring.Plan.publishLabel, "docker")
                .put(Wiring.Plan.junit, junit)
                .put(Wiring.Plan.platforms, new ArrayList<>(List.of(
                        entry(AMD64, "amd64 && docker"),
                        entry(ARM64, "arm64 && docker"),
                        entry(RISCV, "docker"))))
                .put(Wiring.Plan.runs, new ArrayList<>(List.of(run(ID, ""))))
                .toMap();
    }

    /** A matrix build as multiArchPlan answers it: debian on amd64 and arm64, alpine on amd64 only. */
    private static Map<String, Object> variantPlan() {
        Map<String, Object> plan = plan(false, false);
        plan.put(Wiring.Plan.platforms.name(), new ArrayList<>(List.of(
                entry(ID + "-debian", "debian", AMD64, "docker"),
                entry(ID + "-debian", "debian", ARM64, "docker"),
                entry(ID + "-alpine", "alpine", AMD64, "docker"))));
        plan.put(Wiring.Plan.runs.name(), new ArrayList<>(List.of(run(ID + "-debian", "debian"), run(ID + "-alpine", "alpine"))));
        return plan;
    }

    /** The usual script: riscv64 is optional. */
    private static RecordingScript script(boolean failFast, boolean junit) {
        return new RecordingScript(plan(failFast, junit), RISCV);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> runWiring(RecordingScript script, Map<String, Object> args) throws Exception {
        File source = new File(System.getProperty("multiarch.pipelineScript",
                "../plugin/src/main/resources/io/jenkins/plugins/multiarch/MultiArchImagePipeline.groovy"));
        try (GroovyClassLoader loader = new GroovyClassLoader(MultiArchImagePipelineTest.class.getClassLoader())) {
            Class<?> type = loader.parseClass(source);
            assertThat(type.getName()).isEqualTo("io.jenkins.plugins.multiarch.MultiArchImagePipeline");
            // exactly how MultiArchImageGlobalVariable constructs it
            Object pipeline = type.getConstructor(CpsScript.class).newInstance(script);
            try {
                return (Map<String, Object>) ((GroovyObject) pipeline).invokeMethod("call", new Object[] {args});
            } catch (org.codehaus.groovy.runtime.InvokerInvocationException e) {
                // a checked exception (an interruption) through reflection; CPS throws it as it is
                throw (Exception) e.getCause();
            }
        }
    }

    private static Map<String, Object> userArgs() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("image", "registry.example/app");
        args.put("tags", List.of("1.0", "latest"));
        args.put("context", "app");
        args.put("buildArgs", Map.of("VERSION", "1.0"));
        return args;
    }

    private static List<String> matching(RecordingScript script, String prefix) {
        return script.events.stream().filter(e -> e.startsWith(prefix)).toList();
    }

    private static int indexOf(RecordingScript script, String prefix) {
        for (int i = 0; i < script.events.size(); i++) {
            if (script.events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldHandTheUserArgumentsToThePlanUnchanged() throws Exception {
        // Given
        RecordingScript script = script(false, false);
        Map<String, Object> args = userArgs();

        // When
        runWiring(script, args);

        // Then
        assertThat(script.planArgs).isEqualTo(args);
        assertThat(script.events.get(0)).startsWith("multiArchPlan");
    }

    @Test
    void shouldRunOneParallelBranchAndStagePerPlatformNamedAfterIt() throws Exception {
        // Given
        RecordingScript script = script(false, false);

        // When
        runWiring(script, userArgs());

        // Then
        assertThat(script.parallelBranches).containsExactly(AMD64, ARM64, RISCV);
        assertThat(matching(script, "multiArchPlatform")).containsExactly(
                "multiArchPlatform linux/amd64 plan=20250101-000000-abcdef [stage=linux/amd64, node=amd64 && docker]",
                "multiArchPlatform linux/arm64 plan=20250101-000000-abcdef [stage=linux/arm64, node=arm64 && docker]",
                "multiArchPlatform linux/riscv64 plan=20250101-000000-abcdef [stage=linux/riscv64, node=docker]");
    }

    @Test
    void shouldRunNativePlatformsOnTheirLabelAndEmulatedOnesOnTheEmulationLabel() throws Exception {
        // Given: the plan gives arm64 its native label and riscv64 the emulation label
        RecordingScript script = script(false, false);

        // When
        runWiring(script, userArgs());

        // Then
        assertThat(matching(script, "multiArchPlatform linux/arm64")).singleElement().asString().endsWith("node=arm64 && docker]");
        assertThat(matching(script, "multiArchPlatform linux/riscv64")).singleElement().asString().endsWith("node=docker]");
    }

    @Test
    void shouldStashTheContextOnceAndUnstashItInEveryBranchBeforeBuilding() throws Exception {
        // Given
        RecordingScript script = script(false, false);

        // When
        runWiring(script, userArgs());

        // Then
        assertThat(matching(script, "stash ")).containsExactly(
                "stash {allowEmpty=false, excludes=app/.git,app/.git/**, includes=app/**, name=multiarch-20250101-000000-abcdef, useDefaultExcludes=false}"
                        + " [stage=, node=<none>]");
        assertThat(indexOf(script, "stash ")).isLessThan(indexOf(script, "parallel"));
        for (String p : List.of(AMD64, ARM64, RISCV)) {
            int unstash = script.events.indexOf(script.events.stream()
                    .filter(e -> e.startsWith("unstash") && e.contains("stage=" + p + ",")).findFirst().orElseThrow());
            assertThat(unstash).isLessThan(indexOf(script, "multiArchPlatform " + p));
        }
        assertThat(matching(script, "dir ")).hasSize(3).allMatch(e -> e.startsWith("dir multiarch-20250101-000000-abcdef"));
        assertThat(matching(script, "deleteDir")).hasSize(3);
    }

    @Test
    void shouldPassFailFastToParallel() throws Exception {
        // Given
        RecordingScript withFailFast = script(true, false);
        RecordingScript without = script(false, false);

        // When
        runWiring(withFailFast, userArgs());
        runWiring(without, userArgs());

        // Then
        assertThat(withFailFast.parallelFailFast).isEqualTo(true);
        assertThat(without.parallelFailFast).isEqualTo(false);
    }

    @Test
    void shouldPublishOnceAfterEveryBranchOnThePublishLabel() throws Exception {
        // Given
        RecordingScript script = script(false, false);

        // When
        Map<String, Object> result = runWiring(script, userArgs());

        // Then
        assertThat(matching(script, "multiArchPublish")).containsExactly(
                "multiArchPublish plan=20250101-000000-abcdef [stage=publish, node=docker]");
        int publish = indexOf(script, "multiArchPublish");
        assertThat(script.events.subList(publish, script.events.size())).noneMatch(e -> e.startsWith("multiArchPlatform"));
        assertThat(matching(script, "multiArchPlatform")).hasSize(3);
        assertThat(result).containsEntry("published", true).containsEntry("indexDigest", "sha256:index")
                .containsEntry("tags", List.of("1.0", "latest")).containsEntry("image", "registry.example/app");
        assertThat(new ArrayList<Object>(((Map<?, ?>) result.get("platforms")).keySet())).containsExactlyInAnyOrder(AMD64, ARM64, RISCV);
    }

    @Test
    void shouldStillPublishWhenOnlyAnOptionalPlatformFails() throws Exception {
        // Given
        RecordingScript script = script(false, false);
        script.platformAnswers.put(RISCV, Map.of("status", "FAILED", "required", false, "digest", "",
                "message", "the build failed (exit 1)"));

        // When
        Map<String, Object> result = runWiring(script, userArgs());

        // Then
        assertThat(matching(script, "error")).isEmpty();
        assertThat(matching(script, "multiArchPublish")).hasSize(1);
        assertThat(((Map<?, ?>) ((Map<?, ?>) result.get("platforms")).get(RISCV)).get("status")).isEqualTo("FAILED");
    }

    @Test
    void shouldWithholdThePublishAndFailWhenARequiredPlatformFails() throws Exception {
        // Given
        RecordingScript script = script(false, false);
        script.platformAnswers.put(AMD64, Map.of("status", "FAILED", "digest", "", "message", "the test failed with exit code 3"));

        // When / Then
        assertThatThrownBy(() -> runWiring(script, userArgs()))
                .isInstanceOf(RecordingScript.ErrorStep.class)
                .hasMessageContaining("Not published").hasMessageContaining(AMD64);
        assertThat(matching(script, "stage start").stream().filter(e -> e.contains("stage=publish"))).isEmpty();
        assertThat(matching(script, "multiArchPublish")).isEmpty();
        // the failing platform's own stage fails with its reason; without fail-fast the others still ran
        assertThat(matching(script, "error linux/amd64: the test failed with exit code 3")).hasSize(1);
        assertThat(matching(script, "multiArchPlatform")).hasSize(3);
    }

    @Test
    void shouldFailAPlatformsStageWhenItsGateSaysSoAndNotOnTheScriptsOwnReading() throws Exception {
        // Given: arm64 answered PASSED, but the gate (the build's record) refuses it; riscv64 (optional) failed
        RecordingScript script = script(false, false);
        script.gateRefuses.add(ARM64);
        script.platformAnswers.put(RISCV, Map.of("status", "FAILED", "message", "the build failed"));

        // When / Then: arm64's stage fails with the gate's message, riscv64's does not
        assertThatThrownBy(() -> runWiring(script, userArgs())).isInstanceOf(RecordingScript.ErrorStep.class);
        assertThat(matching(script, "multiArchGate platform=")).containsExactly(
                "multiArchGate platform=linux/amd64 plan=" + ID + " [stage=linux/amd64, node=<none>]",
                "multiArchGate platform=linux/arm64 plan=" + ID + " [stage=linux/arm64, node=<none>]",
                "multiArchGate platform=linux/riscv64 plan=" + ID + " [stage=linux/riscv64, node=<none>]");
        assertThat(matching(script, "error linux/")).containsExactly("error linux/arm64:  [stage=linux/arm64, node=<none>]");
        assertThat(indexOf(script, "multiArchGate platform=linux/arm64")).isGreaterThan(indexOf(script, "multiArchPlatform linux/arm64"));
    }

    @Test
    void shouldStopTheOtherBranchesWithFailFastAndNotPublish() throws Exception {
        // Given
        RecordingScript script = script(true, false);
        script.platformAnswers.put(AMD64, Map.of("status", "FAILED", "digest", "", "message", "the build failed"));

        // When / Then
        assertThatThrownBy(() -> runWiring(script, userArgs())).isInstanceOf(RecordingScript.ErrorStep.class)
                .hasMessageContaining("Not published");
        assertThat(matching(script, "multiArchPlatform")).hasSize(1);
        assertThat(matching(script, "parallel aborted")).hasSize(2);
        assertThat(matching(script, "multiArchPublish")).isEmpty();
    }

    @Test
    void shouldFailARequiredPlatformWhoseStageCouldNotRunAndNotPublish() {
        // Given: the arm64 agent fails while unstashing
        RecordingScript script = script(false, false);
        script.unstashFailsOn.add("arm64 && docker");

        // When / Then
        assertThatThrownBy(() -> runWiring(script, userArgs()))
                .isInstanceOf(RecordingScript.ErrorStep.class).hasMessageContaining("Not published").hasMessageContaining(ARM64);
        assertThat(matching(script, "multiArchPlatformFailed")).containsExactly(
                "multiArchPlatformFailed linux/arm64: InfrastructureFailure: agent arm64 && docker went away [stage=linux/arm64, node=<none>]");
        assertThat(matching(script, "error linux/arm64: InfrastructureFailure: agent arm64 && docker went away")).hasSize(1);
        assertThat(matching(script, "multiArchPublish")).isEmpty();
        // the workspace copy is deleted even so
        assertThat(matching(script, "deleteDir")).hasSize(3);
    }

    @Test
    void shouldDropAnOptionalPlatformWhoseStageCouldNotRunAndPublishTheRest() throws Exception {
        // Given: the riscv64 agent (the emulation label) fails while unstashing
        RecordingScript script = script(false, false);
        script.unstashFailsOn.add("docker");

        // When
        Map<String, Object> result = runWiring(script, userArgs());

        // Then
        assertThat(matching(script, "multiArchPlatformFailed linux/riscv64")).hasSize(1);
        assertThat(matching(script, "error")).isEmpty();
        assertThat(matching(script, "multiArchPublish")).hasSize(1);
        assertThat(((Map<?, ?>) ((Map<?, ?>) result.get("platforms")).get(RISCV)).get("status")).isEqualTo("FAILED");
    }

    @Test
    void shouldNotAskForAnAgentThatDidNotTurnUpAndDropAnOptionalPlatform() throws Exception {
        // Given
        RecordingScript script = script(false, false);
        script.noAgentFor.add(RISCV);

        // When
        runWiring(script, userArgs());

        // Then: riscv64's stage never asks for a node; the index is published without it
        assertThat(script.events).noneMatch(e -> e.startsWith("node [stage=linux/riscv64"));
        assertThat(matching(script, "multiArchPlatformFailed")).containsExactly(
                "multiArchPlatformFailed linux/riscv64: no online agent had an executor within 10 minute(s) [stage=linux/riscv64, node=<none>]");
        assertThat(matching(script, "multiArchPublish")).hasSize(1);
    }

    @Test
    void shouldFailARequiredPlatformThatGotNoAgentInTime() {
        // Given
        RecordingScript script = script(false, false);
        script.noAgentFor.add(ARM64);

        // When / Then
        assertThatThrownBy(() -> runWiring(script, userArgs())).isInstanceOf(RecordingScript.ErrorStep.class)
                .hasMessageContaining("required platform(s) linux/arm64 did not pass");
        assertThat(matching(script, "error linux/arm64: no online agent")).hasSize(1);
        assertThat(matching(script, "multiArchPublish")).isEmpty();
    }

    @Test
    void shouldWaitForAnAgentBeforeAskingForTheNodeInEveryStage() throws Exception {
        // Given
        RecordingScript script = script(false, false);

        // When
        runWiring(script, userArgs());

        // Then
        for (String p : List.of(AMD64, ARM64, RISCV)) {
            assertThat(indexOf(script, "multiArchAwaitAgent " + p)).isNotNegative()
                    .isLessThan(script.events.indexOf(script.events.stream()
                            .filter(e -> e.startsWith("node [stage=" + p + ",")).findFirst().orElseThrow()));
        }
    }

    @Test
    void shouldLetAnAbortThroughAsItIsAndNeitherGateNorPublish() {
        // Given: the user aborts while arm64 builds
        RecordingScript script = script(false, false);
        FlowInterruptedException abort = new FlowInterruptedException(cause("Aborted by admin", false));
        script.interruptedIn.put(ARM64, abort);

        // When / Then: the build ends with the abort itself (ABORTED), not with an error (FAILURE)
        assertThatThrownBy(() -> runWiring(script, userArgs())).isSameAs(abort);
        assertThat(matching(script, "multiArchPlatformFailed")).isEmpty();
        assertThat(matching(script, "multiArchGate plan=")).isEmpty();
        assertThat(matching(script, "multiArchPublish")).isEmpty();
        assertThat(matching(script, "error")).isEmpty();
    }

    @Test
    void shouldTreatALostAgentAsThatPlatformsFailure() throws Exception {
        // Given: the agent of optional riscv64 is removed while it builds
        RecordingScript script = script(false, false);
        script.interruptedIn.put(RISCV, new FlowInterruptedException(cause("Agent riscv-1 was removed", true)));

        // When
        runWiring(script, userArgs());

        // Then
        assertThat(matching(script, "multiArchPlatformFailed")).containsExactly(
                "multiArchPlatformFailed linux/riscv64: Agent riscv-1 was removed [stage=linux/riscv64, node=<none>]");
        assertThat(matching(script, "multiArchPublish")).hasSize(1);
    }

    @Test
    void shouldGateOnceAfterEveryBranchAndBeforeThePublishStage() throws Exception {
        // Given
        RecordingScript script = script(false, false);

        // When
        runWiring(script, userArgs());

        // Then
        assertThat(matching(script, "multiArchGate plan=")).containsExactly("multiArchGate plan=20250101-000000-abcdef [stage=, node=<none>]");
        assertThat(indexOf(script, "multiArchGate plan=")).isGreaterThan(script.events.lastIndexOf(
                script.events.stream().filter(e -> e.startsWith("multiArchPlatform ")).reduce((a, b) -> b).orElseThrow()))
                .isLessThan(indexOf(script, "stage start [stage=publish"));
    }

    @Test
    void shouldRunAStagePerVariantAndPlatformAndPublishEachVariantInItsOwnStage() throws Exception {
        // Given
        RecordingScript script = new RecordingScript(variantPlan());

        // When
        Map<String, Object> result = runWiring(script, userArgs());

        // Then
        assertThat(script.parallelBranches).containsExactly("debian linux/amd64", "debian linux/arm64", "alpine linux/amd64");
        assertThat(matching(script, "multiArchPlatform")).containsExactly(
                "multiArchPlatform linux/amd64 plan=" + ID + "-debian [stage=debian linux/amd64, node=docker]",
                "multiArchPlatform linux/arm64 plan=" + ID + "-debian [stage=debian linux/arm64, node=docker]",
                "multiArchPlatform linux/amd64 plan=" + ID + "-alpine [stage=alpine linux/amd64, node=docker]");
        assertThat(matching(script, "multiArchGate plan=")).containsExactly(
                "multiArchGate plan=" + ID + "-debian [stage=, node=<none>]",
                "multiArchGate plan=" + ID + "-alpine [stage=, node=<none>]");
        assertThat(matching(script, "multiArchPublish")).containsExactly(
                "multiArchPublish plan=" + ID + "-debian [stage=publish debian, node=docker]",
                "multiArchPublish plan=" + ID + "-alpine [stage=publish alpine, node=docker]");
        assertThat(new ArrayList<Object>(((Map<?, ?>) result.get("variants")).keySet())).containsExactly("debian", "alpine");
        assertThat(((Map<?, ?>) ((Map<?, ?>) result.get("variants")).get("alpine")).get("published")).isEqualTo(true);
        assertThat(new ArrayList<Object>(((Map<?, ?>) result.get("platforms")).keySet())).containsExactlyInAnyOrder("debian linux/amd64", "debian linux/arm64", "alpine linux/amd64");
    }

    @Test
    void shouldPublishTheVariantThatPassedAndThenFailForTheOneThatDidNot() {
        // Given: debian's arm64 fails its test
        RecordingScript script = new RecordingScript(variantPlan());
        script.platformAnswers.put(ID + "-debian " + ARM64, Map.of("status", "FAILED", "message", "the test failed"));

        // When / Then
        assertThatThrownBy(() -> runWiring(script, userArgs())).isInstanceOf(RecordingScript.ErrorStep.class)
                .hasMessageContaining("Not published").hasMessageContaining(ARM64);
        assertThat(matching(script, "error debian linux/arm64: the test failed")).hasSize(1);
        assertThat(matching(script, "multiArchPublish")).containsExactly(
                "multiArchPublish plan=" + ID + "-alpine [stage=publish alpine, node=docker]");
        assertThat(indexOf(script, "multiArchPublish")).isLessThan(indexOf(script, "error Not published"));
    }

    private static CauseOfInterruption cause(String description, boolean agentLoss) {
        if (agentLoss) {
            return new LostAgent(description);
        }
        return new CauseOfInterruption() {
            @Override
            public String getShortDescription() {
                return description;
            }
        };
    }

    private static final class LostAgent extends CauseOfInterruption implements AgentErrorCondition.Retryable {
        private final String description;

        LostAgent(String description) {
            this.description = description;
        }

        @Override
        public String getShortDescription() {
            return description;
        }
    }

    @Test
    void shouldRecordTestResultsInTheBranchOnlyWhenTheJunitStepIsAvailable() throws Exception {
        // Given
        RecordingScript withJunit = script(false, true);
        RecordingScript withoutJunit = script(false, false);
        for (RecordingScript s : List.of(withJunit, withoutJunit)) {
            for (String p : List.of(AMD64, ARM64, RISCV)) {
                s.platformAnswers.put(p, Map.of("junitFile", "multiarch-junit/TEST-multiarch-" + p.replace('/', '-') + ".xml"));
            }
        }

        // When
        runWiring(withJunit, userArgs());
        runWiring(withoutJunit, userArgs());

        // Then
        assertThat(matching(withJunit, "junit")).containsExactly(
                "junit {allowEmptyResults=true, testResults=multiarch-junit/TEST-multiarch-linux-amd64.xml} [stage=linux/amd64, node=amd64 && docker]",
                "junit {allowEmptyResults=true, testResults=multiarch-junit/TEST-multiarch-linux-arm64.xml} [stage=linux/arm64, node=arm64 && docker]",
                "junit {allowEmptyResults=true, testResults=multiarch-junit/TEST-multiarch-linux-riscv64.xml} [stage=linux/riscv64, node=docker]");
        assertThat(matching(withoutJunit, "junit")).isEmpty();
    }

    @Test
    void shouldRecordTestResultsOfAFailingRequiredPlatformBeforeFailingItsStage() {
        // Given
        RecordingScript script = script(false, true);
        script.platformAnswers.put(ARM64, Map.of("status", "FAILED", "message", "the test failed with exit code 1",
                "junitFile", "multiarch-junit/TEST-multiarch-linux-arm64.xml"));

        // When / Then
        assertThatThrownBy(() -> runWiring(script, userArgs())).isInstanceOf(RecordingScript.ErrorStep.class);
        assertThat(indexOf(script, "junit {allowEmptyResults=true, testResults=multiarch-junit/TEST-multiarch-linux-arm64.xml}"))
                .isLessThan(indexOf(script, "error linux/arm64"));
    }
}
