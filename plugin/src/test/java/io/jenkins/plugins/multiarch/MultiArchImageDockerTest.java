package io.jenkins.plugins.multiarch;

import hudson.model.Result;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real thing: three platforms on labelled agents, built, tested in their architecture and published to a
 * registry. Needs Docker with buildx, QEMU emulators for arm64 and riscv64 on this machine, and a registry without
 * authentication at {@code $MULTIARCH_TEST_REGISTRY} (e.g. {@code localhost:5000}); skipped otherwise.
 */
@WithJenkins
class MultiArchImageDockerTest {

    private static boolean dockerAvailable() {
        try {
            Process p = new ProcessBuilder("docker", "buildx", "version").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void shouldFanOutToThreePlatformsOnLabelledAgentsAndPublishOneIndex(JenkinsRule r) throws Exception {
        String registry = System.getenv("MULTIARCH_TEST_REGISTRY");
        assumeTrue(registry != null && !registry.isBlank(), "MULTIARCH_TEST_REGISTRY names a registry to push to");
        assumeTrue(dockerAvailable(), "docker with buildx is available");

        // Given
        MultiArchImageConfiguration config = MultiArchImageConfiguration.get();
        config.setPlatformLabels(List.of(new PlatformLabel("linux/amd64", "amd64")));
        config.setEmulationLabel("emulation");
        r.createSlave("caller-agent", "caller", null);
        r.createSlave("amd64-agent", "amd64", null);
        r.createSlave("emulation-agent-1", "emulation", null);
        r.createSlave("emulation-agent-2", "emulation", null);
        WorkflowJob job = r.createProject(WorkflowJob.class, "fan-out");
        job.setDefinition(new CpsFlowDefinition("node('caller') {\n"
                + "  writeFile file: 'app/Dockerfile', text: 'FROM busybox:1.36\\nRUN uname -m > /arch\\n'\n"
                + "  def result = multiArchImage(image: '" + registry + "/multiarch-it', tags: ['it'], context: 'app',"
                + " platforms: ['linux/amd64', 'linux/arm64', 'linux/riscv64'], test: 'cat /arch && uname -m')\n"
                + "  echo \"INDEX=${result.indexDigest}\"\n"
                + "}", true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.SUCCESS, job);

        // Then
        RunRecord record = run.getAction(MultiArchImageAction.class).getRuns().get(0);
        assertThat(record.getPublish().isPublished()).isTrue();
        assertThat(record.getPublish().getListed()).containsExactlyInAnyOrder("linux/amd64", "linux/arm64", "linux/riscv64");
        r.assertLogContains("INDEX=" + record.getPublish().getIndexDigest(), run);
        r.assertLogContains("aarch64", run);
        r.assertLogContains("riscv64", run);
        assertThat(record.getPlatforms()).extracting(PlatformRecord::getAgent)
                .contains("amd64-agent").allMatch(a -> a.startsWith("amd64-agent") || a.startsWith("emulation-agent"));
    }
}
