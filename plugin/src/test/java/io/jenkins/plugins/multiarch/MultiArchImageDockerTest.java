package io.jenkins.plugins.multiarch;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.FilePath;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.multiarch.result.Status;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The step for real, on labelled agents, with the machine's Docker, buildx, QEMU and local registry (see
 * {@link LocalToolchain}): what a user checks after a build, in the registry, on the agents and in the build.
 */
@WithJenkins
class MultiArchImageDockerTest {
    private static final String DOCKERFILE = "FROM busybox\\nARG TARGETPLATFORM\\n"
            + "RUN echo \"$TARGETPLATFORM\" > /built-for && uname -m > /arch\\n";

    @BeforeAll
    static void toolchain() throws Exception {
        LocalToolchain.require();
    }

    private static String script(String label, String repository, String platforms, String extra) {
        return "node('" + label + "') {\n"
                + "  writeFile file: 'app/Dockerfile', text: '" + DOCKERFILE + "'\n"
                + "  def result = multiArchImage(image: '" + LocalToolchain.REGISTRY + "/" + repository + "', tags: ['it'],"
                + " context: 'app', platforms: " + platforms + extra + ")\n"
                + "  echo \"INDEX=${result.indexDigest} LISTED=${result.listed}\"\n"
                + "}";
    }

    private static List<String> privateDirs() throws Exception {
        try (Stream<Path> list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PrivateTempDir.PREFIX)).sorted().toList();
        }
    }

    @Test
    void shouldFanOutMeasureNativeOrEmulatedAndPublishOneIndexLeavingNothingBehind(JenkinsRule r) throws Exception {
        // Given: amd64 has no native label, so it runs on the emulation agents like arm64 and riscv64; a login
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.GLOBAL, "local-registry", "", "bot", "pw-never-logged"));
        MultiArchImageConfiguration config = MultiArchImageConfiguration.get();
        config.setEmulationLabel("emulation");
        config.setRegistry(new DockerRegistryEndpoint("http://" + LocalToolchain.REGISTRY, "local-registry"));
        r.createSlave("caller-agent", "caller", null);
        DumbSlave emulation1 = r.createSlave("emulation-agent-1", "emulation", null);
        DumbSlave emulation2 = r.createSlave("emulation-agent-2", "emulation", null);
        String repository = LocalToolchain.newRepository("fan-out");
        WorkflowJob job = r.createProject(WorkflowJob.class, "fan-out");
        job.setDefinition(new CpsFlowDefinition(script("caller", repository,
                "['linux/amd64', 'linux/arm64', 'linux/riscv64']", ", test: 'cat /built-for /arch && uname -m'"), true));
        List<String> dirsBefore = privateDirs();

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.SUCCESS, job);

        // Then: the registry's index lists exactly the three
        assertThat(LocalToolchain.platforms(repository, "it"))
                .containsExactlyInAnyOrder("linux/amd64", "linux/arm64", "linux/riscv64");
        RunRecord record = run.getAction(MultiArchImageAction.class).getRuns().get(0);
        r.assertLogContains("INDEX=" + record.getPublish().getIndexDigest(), run);
        r.assertLogContains("LISTED=[linux/amd64, linux/arm64, linux/riscv64]", run);
        // the plan does not guess what the agent measures, and the result says what was measured
        r.assertLogContains("linux/amd64 on agents labelled 'emulation' (native or under QEMU: measured on the agent)", run);
        r.assertLogContains("linux/amd64 ran natively on agent emulation-agent-", run);
        r.assertLogContains("linux/arm64 ran under QEMU emulation on agent emulation-agent-", run);
        assertThat(record.getPlatforms()).extracting(PlatformRecord::getPlatform, PlatformRecord::isEmulated)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("linux/amd64", false),
                        org.assertj.core.groups.Tuple.tuple("linux/arm64", true),
                        org.assertj.core.groups.Tuple.tuple("linux/riscv64", true));
        // each test ran in its architecture
        r.assertLogContains("aarch64", run);
        r.assertLogContains("riscv64", run);
        // logged in with the password on standard input: never in the log
        r.assertLogContains("login (arguments hidden", run);
        r.assertLogNotContains("pw-never-logged", run);
        // nothing left in the agents' workspaces (no copy of the context, no @tmp) nor in their temporary directory
        for (DumbSlave agent : List.of(emulation1, emulation2)) {
            FilePath ws = agent.getWorkspaceFor(job);
            if (ws != null && ws.exists()) {
                assertThat(ws.list()).extracting(FilePath::getName).noneMatch(n -> n.startsWith("multiarch-"));
            }
        }
        assertThat(privateDirs()).isEqualTo(dirsBefore);
        assertThat(new File(r.jenkins.getRootDir(), "jobs/fan-out/builds/1/build.xml")).content().doesNotContain("pw-never-logged");
    }

    @Test
    void shouldDropAnOptionalPlatformWithoutAgentAndPublishTheRest(JenkinsRule r) throws Exception {
        // Given: riscv64 is to run natively on agents labelled 'riscv', and there are none
        MultiArchImageConfiguration config = MultiArchImageConfiguration.get();
        config.setEmulationLabel("emulation");
        config.setPlatformLabels(List.of(new PlatformLabel("linux/riscv64", "riscv")));
        r.createSlave("caller-agent", "caller", null);
        r.createSlave("emulation-agent", "emulation", null);
        String repository = LocalToolchain.newRepository("no-agent");
        WorkflowJob job = r.createProject(WorkflowJob.class, "no-agent");
        job.setDefinition(new CpsFlowDefinition(script("caller", repository, "['linux/amd64', 'linux/riscv64']",
                ", optionalPlatforms: ['linux/riscv64'], agentTimeout: 1"), true));

        // When: before the fix, the build waited in the queue for an agent labelled 'riscv' forever
        WorkflowRun run = r.buildAndAssertStatus(Result.UNSTABLE, job);

        // Then
        assertThat(LocalToolchain.platforms(repository, "it")).containsExactly("linux/amd64");
        RunRecord record = run.getAction(MultiArchImageAction.class).getRuns().get(0);
        assertThat(record.getPublish().isPublished()).isTrue();
        PlatformRecord riscv = record.getPlatforms().get(1);
        assertThat(riscv.getStatus()).isEqualTo(Status.FAILED.name());
        assertThat(riscv.getMessage()).contains("no online agent on agents labelled 'riscv'");
    }

    @Test
    void shouldFailARequiredPlatformWhoseTestFailsAndLeaveTheTagWhereItWas(JenkinsRule r) throws Exception {
        // Given: the tag exists from a passing build
        MultiArchImageConfiguration.get().setEmulationLabel("emulation");
        r.createSlave("caller-agent", "caller", null);
        r.createSlave("emulation-agent", "emulation", null);
        String repository = LocalToolchain.newRepository("gate");
        WorkflowJob good = r.createProject(WorkflowJob.class, "good");
        good.setDefinition(new CpsFlowDefinition(script("caller", repository, "['linux/amd64', 'linux/arm64']",
                ", test: 'true'"), true));
        r.buildAndAssertSuccess(good);
        String before = LocalToolchain.digest(repository, "it").orElseThrow();
        WorkflowJob bad = r.createProject(WorkflowJob.class, "bad");
        bad.setDefinition(new CpsFlowDefinition(script("caller", repository, "['linux/amd64', 'linux/arm64']",
                ", test: '[ \"$MULTIARCH_ARCH\" != arm64 ]', buildArgs: [SEED: 'second']"), true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, bad);

        // Then: the tag still serves the old index; the build says which platform and why
        assertThat(LocalToolchain.digest(repository, "it")).contains(before);
        RunRecord record = run.getAction(MultiArchImageAction.class).getRuns().get(0);
        assertThat(record.getPublish()).isNull();
        assertThat(record.getWithheld()).contains("linux/arm64");
        assertThat(record.getPlatforms().get(1).getMessage()).contains("exit code 1");
        r.assertLogContains("Not published: required platform(s) linux/arm64 did not pass", run);
    }

    @Test
    void shouldAbortWithinSecondsAndLeaveNoProcessOrContainer(JenkinsRule r) throws Exception {
        // Given: an emulated build that runs for a minute, and a tag that must not move
        MultiArchImageConfiguration.get().setEmulationLabel("emulation");
        r.createSlave("caller-agent", "caller", null);
        r.createSlave("emulation-agent", "emulation", null);
        String repository = LocalToolchain.newRepository("abort");
        WorkflowJob job = r.createProject(WorkflowJob.class, "abort");
        job.setDefinition(new CpsFlowDefinition("node('caller') {\n"
                + "  writeFile file: 'app/Dockerfile', text: 'FROM busybox\\nARG SEED\\nRUN echo $SEED && sleep 60\\n'\n"
                + "  multiArchImage(image: '" + LocalToolchain.REGISTRY + "/" + repository + "', tags: ['it'], context: 'app',"
                + " platforms: ['linux/arm64'], buildArgs: [SEED: '" + System.nanoTime() + "'])\n"
                + "}", true));
        WorkflowRun run = job.scheduleBuild2(0).waitForStart();
        waitForLog(r, run, "sleep 60", 120);

        // When
        long t0 = System.nanoTime();
        run.doStop();
        r.waitForCompletion(run);
        long stopSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);

        // Then
        r.assertBuildStatus(Result.ABORTED, run);
        assertThat(stopSeconds).as("seconds from abort to the end of the build").isLessThan(30);
        assertThat(LocalToolchain.processesWithEnv(AgentCommandRunner.COOKIE, repository)).isEmpty();
        String id = run.getAction(MultiArchImageAction.class).getRuns().get(0).getId();
        assertThat(LocalToolchain.containers("multiarch-test-" + id)).isEmpty();
        assertThat(LocalToolchain.digest(repository, "it")).isEmpty();
    }

    @Test
    void shouldDropAnOptionalPlatformWhoseAgentIsLostAndPublishTheRest(JenkinsRule r) throws Exception {
        // Given: riscv64 builds for a minute on its own agent, which goes away meanwhile
        MultiArchImageConfiguration config = MultiArchImageConfiguration.get();
        config.setEmulationLabel("emulation");
        config.setPlatformLabels(List.of(new PlatformLabel("linux/riscv64", "riscv")));
        r.createSlave("caller-agent", "caller", null);
        r.createSlave("emulation-agent", "emulation", null);
        DumbSlave riscvAgent = r.createSlave("riscv-agent", "riscv", null);
        String repository = LocalToolchain.newRepository("lost-agent");
        WorkflowJob job = r.createProject(WorkflowJob.class, "lost-agent");
        job.setDefinition(new CpsFlowDefinition("node('caller') {\n"
                + "  writeFile file: 'app/Dockerfile', text: 'FROM busybox\\nARG TARGETPLATFORM\\nARG SEED\\n"
                + "RUN if [ \"$TARGETPLATFORM\" = linux/riscv64 ]; then echo slow-$SEED && sleep 60; fi\\n'\n"
                + "  multiArchImage(image: '" + LocalToolchain.REGISTRY + "/" + repository + "', tags: ['it'], context: 'app',"
                + " platforms: ['linux/amd64', 'linux/riscv64'], optionalPlatforms: ['linux/riscv64'],"
                + " buildArgs: [SEED: '" + System.nanoTime() + "'])\n"
                + "}", true));
        WorkflowRun run = job.scheduleBuild2(0).waitForStart();
        waitForLog(r, run, "sleep 60", 120);

        // When
        r.jenkins.removeNode(riscvAgent);
        r.waitForCompletion(run);

        // Then: before the fix the whole build failed; now riscv64 drops out and amd64 is published
        r.assertBuildStatus(Result.UNSTABLE, run);
        assertThat(LocalToolchain.platforms(repository, "it")).containsExactly("linux/amd64");
        PlatformRecord riscv = run.getAction(MultiArchImageAction.class).getRuns().get(0).getPlatforms().get(1);
        assertThat(riscv.getStatus()).isEqualTo(Status.FAILED.name());
        assertThat(riscv.getMessage()).isNotBlank();
    }

    @Test
    void shouldRunDirectlyInTheStepsOfADeclarativePipeline(JenkinsRule r) throws Exception {
        // Given
        MultiArchImageConfiguration.get().setEmulationLabel("emulation");
        r.createSlave("caller-agent", "caller", null);
        r.createSlave("emulation-agent", "emulation", null);
        String repository = LocalToolchain.newRepository("declarative");
        WorkflowJob job = r.createProject(WorkflowJob.class, "declarative");
        job.setDefinition(new CpsFlowDefinition("pipeline {\n"
                + "  agent { label 'caller' }\n"
                + "  stages {\n"
                + "    stage('Context') { steps { writeFile file: 'app/Dockerfile', text: '" + DOCKERFILE + "' } }\n"
                + "    stage('Image') {\n"
                + "      steps {\n"
                + "        multiArchImage(image: '" + LocalToolchain.REGISTRY + "/" + repository + "', tags: ['it'],"
                + " context: 'app', platforms: ['linux/amd64', 'linux/arm64'], test: 'cat /built-for')\n"
                + "      }\n"
                + "    }\n"
                + "  }\n"
                + "}", true));

        // When
        WorkflowRun run = r.buildAndAssertSuccess(job);

        // Then
        assertThat(LocalToolchain.platforms(repository, "it")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        r.assertLogContains("linux/arm64", run);
    }

    static void waitForLog(JenkinsRule r, WorkflowRun run, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!JenkinsRule.getLog(run).contains(text)) {
            assertThat(System.nanoTime()).as("'" + text + "' in the log within " + seconds + " s:\n" + JenkinsRule.getLog(run))
                    .isLessThan(deadline);
            assertThat(run.isBuilding()).as("the build is still running:\n" + JenkinsRule.getLog(run)).isTrue();
            Thread.sleep(500);
        }
    }
}
