package io.jenkins.plugins.multiarch;

import hudson.model.Result;
import io.multiarch.result.Status;
import org.jenkinsci.plugins.docker.commons.tools.DockerTool;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole step on labelled agents without Docker: a docker tool that does not exist makes every platform fail
 * in its own stage, so the publish stage must not run. Needs no Docker.
 */
@WithJenkins
class MultiArchImageStepTest {

    @Test
    void shouldWithholdThePublishWhenARequiredPlatformFails(JenkinsRule r) throws Exception {
        // Given
        r.jenkins.getDescriptorByType(DockerTool.DescriptorImpl.class)
                .setInstallations(new DockerTool("missing", "/nonexistent/docker", List.of()));
        MultiArchImageConfiguration config = MultiArchImageConfiguration.get();
        config.setDockerTool("missing");
        config.setPlatformLabels(List.of(new PlatformLabel("linux/amd64", "amd64")));
        config.setEmulationLabel("emulation");
        r.createSlave("caller-agent", "caller", null);
        r.createSlave("amd64-agent", "amd64", null);
        r.createSlave("emulation-agent", "emulation", null);
        WorkflowJob job = r.createProject(WorkflowJob.class, "withheld");
        job.setDefinition(new CpsFlowDefinition("node('caller') {\n"
                + "  writeFile file: 'app/Dockerfile', text: 'FROM scratch\\n'\n"
                + "  multiArchImage(image: 'localhost:5000/app', context: 'app',"
                + " platforms: ['linux/amd64', 'linux/arm64', 'linux/riscv64'], optionalPlatforms: ['linux/riscv64'])\n"
                + "}", true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);

        // Then
        r.assertLogContains("Not published", run);
        r.assertLogNotContains("multiArchPublish", run);
        // each required platform's stage failed on multiArchGate's answer, with its reason; the optional one did not
        r.assertLogContains("Failed in branch linux/amd64", run);
        r.assertLogContains("Failed in branch linux/arm64", run);
        r.assertLogNotContains("Failed in branch linux/riscv64", run);
        List<String> stageErrors = new DepthFirstScanner().allNodes(run.getExecution()).stream()
                .map(n -> n.getError()).filter(java.util.Objects::nonNull).map(e -> String.valueOf(e.getError().getMessage()))
                .filter(m -> m.startsWith("linux/")).distinct().toList();
        assertThat(stageErrors).hasSize(2).anyMatch(m -> m.startsWith("linux/amd64: ") && m.contains("not usable"))
                .anyMatch(m -> m.startsWith("linux/arm64: ") && m.contains("not usable"));
        RunRecord record = run.getAction(MultiArchImageAction.class).getRuns().get(0);
        assertThat(record.getPublish()).isNull();
        assertThat(record.getWithheld()).contains("linux/amd64").contains("linux/arm64");
        assertThat(record.getPlatforms()).extracting(PlatformRecord::getStatus)
                .containsOnly(Status.FAILED.name());
        assertThat(record.getPlatforms()).extracting(PlatformRecord::getMessage)
                .allMatch(m -> m.contains("not usable"));
        assertThat(record.getPlatforms()).extracting(PlatformRecord::getAgent)
                .containsExactly("amd64-agent", "emulation-agent", "emulation-agent");
    }

    @Test
    void shouldNotWaitForeverWhenTheCallersNodeHoldsTheOnlyExecutorOfTheLabel(JenkinsRule r) throws Exception {
        // Given: one agent, one executor, and the call runs in a node block on it: the stage can never get one
        MultiArchImageConfiguration config = MultiArchImageConfiguration.get();
        config.setEmulationLabel("solo");
        r.createSlave("solo-agent", "solo", null);
        WorkflowJob job = r.createProject(WorkflowJob.class, "deadlock");
        job.setDefinition(new CpsFlowDefinition("node('solo') {\n"
                + "  writeFile file: 'Dockerfile', text: 'FROM scratch\\n'\n"
                + "  multiArchImage(image: 'localhost:5000/app', platforms: ['linux/amd64'], agentTimeout: 1)\n"
                + "}", true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job); // before the fix: waited until the test's timeout

        // Then: it says why, and never asked for the agent
        r.assertLogContains("waiting up to 1 minute(s)", run);
        r.assertLogContains("no online agent on agents labelled 'solo' had an executor free of this build within 1 minute(s);"
                + " the node block around multiArchImage holds one executor of solo-agent", run);
        r.assertLogContains("Not published: required platform(s) linux/amd64 did not pass", run);
        RunRecord record = run.getAction(MultiArchImageAction.class).getRuns().get(0);
        assertThat(record.getPlatforms().get(0).getStatus()).isEqualTo(Status.FAILED.name());
        assertThat(record.getWithheld()).contains("linux/amd64");
    }
}
