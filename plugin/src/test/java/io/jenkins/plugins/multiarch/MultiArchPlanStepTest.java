package io.jenkins.plugins.multiarch;

import hudson.model.Result;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.structs.describable.DescribableModel;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@WithJenkins
class MultiArchPlanStepTest {

    @Test
    void shouldSurviveARoundTripThroughItsArguments(JenkinsRule r) throws Exception {
        // Given
        MultiArchPlanStep step = new MultiArchPlanStep("ghcr.io/acme/app");
        step.setTags(List.of("1.0", "latest"));
        step.setContext("app");
        step.setDockerfile("docker/Dockerfile");
        step.setTarget("runtime");
        step.setBuildArgs(List.of("VERSION=1.0"));
        step.setLabels(List.of("org.opencontainers.image.source=https://example.com/app"));
        step.setPlatforms(List.of("linux/amd64", "linux/arm64"));
        step.setOptionalPlatforms(List.of("linux/arm64"));
        step.setTest("uname -m");
        step.setFailFast(true);
        step.setPlatformTimeout(30);
        step.setTestTimeout(2);
        step.setEmulatedRetries(0);
        step.setProvenance(false);
        step.setRegistryCache(true);
        step.setRegistry(new DockerRegistryEndpoint("https://ghcr.io", "ghcr"));

        // When
        Map<String, Object> arguments = DescribableModel.uninstantiate2_(step).toMap();
        MultiArchPlanStep copy = new DescribableModel<>(MultiArchPlanStep.class).instantiate(arguments, null);

        // Then: maps in the Pipeline syntax, and the same step back
        assertThat(arguments.get("buildArgs")).isEqualTo(Map.of("VERSION", "1.0"));
        r.assertEqualDataBoundBeans(step, copy);
    }

    @Test
    void shouldAcceptMapsAndSingleStringsAsPipelinesWriteThem(JenkinsRule r) {
        // Given
        Map<String, Object> arguments = Map.of("image", "ghcr.io/acme/app", "tags", "1.0",
                "buildArgs", Map.of("VERSION", "1.0"), "test", List.of("/app/selftest", "--quick"));

        // When
        MultiArchPlanStep step = new DescribableModel<>(MultiArchPlanStep.class).instantiate(arguments, null);

        // Then
        assertThat(step.getTags()).containsExactly("1.0");
        assertThat(step.getBuildArgs()).containsExactly("VERSION=1.0");
        assertThat(step.getTest()).isNull();
        assertThat(step.getTestExec()).containsExactly("/app/selftest", "--quick");
    }

    @Test
    void shouldRefuseAnInvalidRequestBeforeAnyAgentIsUsed(JenkinsRule r) throws Exception {
        // Given: no agent exists at all
        WorkflowJob job = r.createProject(WorkflowJob.class, "invalid");
        job.setDefinition(new CpsFlowDefinition(
                "multiArchImage(image: 'Not An Image!', tags: ['ok', 'bad tag'], platforms: ['linux/amd64', 'linux/sparc'],"
                        + " context: '../elsewhere')", true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);

        // Then: every problem is named, and nothing was stashed or built
        r.assertLogContains("the request is not valid", run);
        r.assertLogContains("'image'", run);
        r.assertLogContains("'tags[1]'", run);
        r.assertLogContains("'platforms[1]'", run);
        r.assertLogContains("'context'", run);
        r.assertLogNotContains("Stashed", run);
    }
}
