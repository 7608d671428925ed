package io.jenkins.plugins.multiarch;

import hudson.model.Result;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A controller restart in the middle of an emulated build: the step does not block the restart, and afterwards
 * stops what the interrupted attempt left running and builds the platform again, so the build still publishes.
 */
class MultiArchImageRestartTest {
    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @BeforeAll
    static void toolchain() throws Exception {
        LocalToolchain.require();
    }

    @Test
    void shouldBuildThePlatformAgainAfterARestartAndPublish() throws Throwable {
        String repository = LocalToolchain.newRepository("restart");
        sessions.then(r -> {
            // Given: the built-in node runs the call and the emulated stage; the build step takes 40 s under QEMU
            r.jenkins.setNumExecutors(3);
            r.jenkins.setLabelString("emulation");
            MultiArchImageConfiguration.get().setEmulationLabel("emulation");
            WorkflowJob job = r.createProject(WorkflowJob.class, "restart");
            job.setDefinition(new CpsFlowDefinition("node('emulation') {\n"
                    + "  writeFile file: 'app/Dockerfile', text: 'FROM busybox\\nARG SEED\\nRUN echo slow-$SEED && sleep 40\\n'\n"
                    + "  def result = multiArchImage(image: '" + LocalToolchain.REGISTRY + "/" + repository + "', tags: ['it'],"
                    + " context: 'app', platforms: ['linux/arm64'], buildArgs: [SEED: '" + System.nanoTime() + "'])\n"
                    + "  echo \"PUBLISHED=${result.published}\"\n"
                    + "}", true));
            WorkflowRun run = job.scheduleBuild2(0).waitForStart();
            MultiArchImageDockerTest.waitForLog(r, run, "sleep 40", 120);

            // When: the controller stops (the session ends) while the build step runs
            assertThat(run.getExecution().blocksRestart()).as("a running platform stage does not block a restart").isFalse();
        });
        sessions.then(r -> {
            // Then: the build resumed, stopped what was left, built arm64 again and published
            WorkflowRun run = r.jenkins.getItemByFullName("restart", WorkflowJob.class).getBuildByNumber(1);
            r.waitForCompletion(run);
            r.assertBuildStatus(Result.SUCCESS, run);
            r.assertLogContains("the controller restarted while linux/arm64 was being built", run);
            r.assertLogContains("PUBLISHED=true", run);
            assertThat(LocalToolchain.platforms(repository, "it")).containsExactly("linux/arm64");
            PlatformRecord arm64 = run.getAction(MultiArchImageAction.class).getRuns().get(0).getPlatforms().get(0);
            assertThat(arm64.getMessage()).contains("built again after a controller restart");
            assertThat(LocalToolchain.processesWithEnv(AgentCommandRunner.COOKIE, repository)).isEmpty();
            assertThat(JenkinsRule.getLog(run)).doesNotContain("SynchronousResumeNotSupportedException");
        });
    }
}
