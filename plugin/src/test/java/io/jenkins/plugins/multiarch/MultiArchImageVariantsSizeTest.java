package io.jenkins.plugins.multiarch;

import hudson.model.Result;
import io.multiarch.result.Status;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Size budgets and variants for real, on labelled agents with the machine's Docker, QEMU and local registry (see
 * {@link LocalToolchain}): what the registry serves afterwards, and what the build page says.
 */
@WithJenkins
class MultiArchImageVariantsSizeTest {

    @BeforeAll
    static void toolchain() throws Exception {
        LocalToolchain.require();
    }

    private static void agents(JenkinsRule r) throws Exception {
        MultiArchImageConfiguration.get().setEmulationLabel("emulation");
        r.createSlave("caller-agent", "caller", null);
        r.createSlave("emulation-agent", "emulation", null);
    }

    /** A Dockerfile with 2 MiB of random bytes (they do not compress): its layer is bigger than the base. */
    private static final String BIG = "FROM busybox\\nARG SEED\\nRUN echo $SEED > /seed && head -c 2097152 /dev/urandom > /blob\\n";

    private static String sizeScript(String repository, String budgets) {
        return "node('caller') {\n"
                + "  writeFile file: 'app/Dockerfile', text: '" + BIG + "'\n"
                + "  multiArchImage(image: '" + LocalToolchain.REGISTRY + "/" + repository + "', tags: ['it'], context: 'app',"
                + " platforms: ['linux/amd64', 'linux/arm64'], buildArgs: [SEED: '" + System.nanoTime() + "'], " + budgets + ")\n"
                + "}";
    }

    @Test
    void shouldWarnOrFailOverASizeBudgetAndShowSizeChangeVerdictAndBiggestLayers(JenkinsRule r) throws Exception {
        // Given: arm64 may have 2 MB, which the random layer and the base exceed; first only as a warning
        agents(r);
        String repository = LocalToolchain.newRepository("size");
        WorkflowJob warn = r.createProject(WorkflowJob.class, "warn");
        warn.setDefinition(new CpsFlowDefinition(sizeScript(repository, "sizeBudgets: ['linux/arm64=2MB'], sizeBudgetWarn: true"), true));
        WorkflowRun first = r.buildAndAssertSuccess(warn);
        String published = LocalToolchain.digest(repository, "it").orElseThrow();
        PlatformRecord warned = first.getAction(MultiArchImageAction.class).getRuns().get(0).getPlatforms().get(1);
        WorkflowJob fail = r.createProject(WorkflowJob.class, "fail");
        fail.setDefinition(new CpsFlowDefinition(sizeScript(repository, "sizeBudgets: 'linux/arm64=2MB'"), true));

        // When
        WorkflowRun second = r.buildAndAssertStatus(Result.FAILURE, fail);

        // Then: the warning published, the failure did not move the tag
        assertThat(warned.getPlatform()).isEqualTo("linux/arm64");
        assertThat(warned.isPassed()).isTrue();
        assertThat(warned.getView().getBudgetVerdict()).startsWith("over the budget of 1.9 MiB by").endsWith("a warning only");
        assertThat(warned.getSizeBytes()).isGreaterThan(2_097_152);
        assertThat(warned.getView().getSizeChangeText()).isEqualTo("-"); // a new tag: nothing to compare with
        assertThat(LocalToolchain.digest(repository, "it")).contains(published);
        RunRecord record = second.getAction(MultiArchImageAction.class).getRuns().get(0);
        PlatformRecord amd64 = record.getPlatforms().get(0);
        PlatformRecord arm64 = record.getPlatforms().get(1);
        assertThat(arm64.getStatus()).isEqualTo(Status.FAILED.name());
        assertThat(arm64.getView().getBudgetVerdict()).startsWith("over the budget of 1.9 MiB by").endsWith(": failed");
        assertThat(arm64.getMessage()).contains("over the size budget");
        assertThat(arm64.getView().getSizeChangeText()).endsWith(" vs it"); // against the index the warning published
        assertThat(arm64.getBiggestLayers()).isNotEmpty();
        assertThat(arm64.getBiggestLayers().get(0).getCreatedBy()).contains("head -c 2097152 /dev/urandom");
        assertThat(arm64.getBiggestLayers().get(0).getBytes()).isGreaterThan(2_000_000);
        assertThat(amd64.isPassed()).isTrue();
        assertThat(amd64.getView().getBudgetVerdict()).isEqualTo("-"); // no budget of its own
        // the record is read back from build.xml as it was written
        second.reload();
        PlatformRecord reloaded = second.getAction(MultiArchImageAction.class).getRuns().get(0).getPlatforms().get(1);
        assertThat(reloaded.getView().getBudgetVerdict()).isEqualTo(arm64.getView().getBudgetVerdict());
        assertThat(reloaded.getView().getSizeChangeText()).isEqualTo(arm64.getView().getSizeChangeText());
        assertThat(reloaded.getBiggestLayers()).extracting(LayerRecord::getDigest)
                .containsExactlyElementsOf(arm64.getBiggestLayers().stream().map(LayerRecord::getDigest).toList());
        String page = r.createWebClient().getPage(second, MultiArchImageAction.URL_NAME + "/").asNormalizedText();
        assertThat(page).contains(arm64.getView().getBudgetVerdict(), arm64.getView().getSizeChangeText(), "Biggest layers of linux/arm64",
                "head -c 2097152 /dev/urandom", "Timeline", "Image size");
        // the timeline's bars: each stage's phases on the plan's clock, after the plan and in order
        assertThat(record.getTimelineSvg()).contains("linux/amd64 build: ", "linux/arm64 build: ", "linux/arm64 push: ");
        assertThat(arm64.phases()).extracting(io.multiarch.result.Phase::name).containsExactly("binfmt", "build", "push"); // no test configured
        assertThat(arm64.phases()).allSatisfy(ph -> assertThat(ph.start()).isPositive().isLessThanOrEqualTo(ph.end()));
    }

    @Test
    void shouldBuildEachVariantAndPlatformInItsOwnStageAndGateAndPublishEachVariant(JenkinsRule r) throws Exception {
        // Given: 'full' on amd64 and arm64, 'slim' narrowed to amd64, with a Dockerfile that fails
        agents(r);
        String repository = LocalToolchain.newRepository("variants");
        WorkflowJob job = r.createProject(WorkflowJob.class, "variants");
        job.setDefinition(new CpsFlowDefinition(variantScript(repository, false), true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);

        // Then: full is published under 'it' for its two platforms; slim under nothing
        assertThat(LocalToolchain.platforms(repository, "it")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        assertThat(LocalToolchain.digest(repository, "it-slim")).isEmpty();
        for (String stage : List.of("full linux/amd64", "full linux/arm64", "slim linux/amd64", "publish full")) {
            r.assertLogContains("(" + stage + ")", run);
        }
        r.assertLogNotContains("(slim linux/arm64)", run);
        r.assertLogNotContains("(publish slim)", run);
        r.assertLogContains("Variant slim not published: required platform(s) linux/amd64 did not pass", run);
        List<RunRecord> records = run.getAction(MultiArchImageAction.class).getRuns();
        assertThat(records).extracting(RunRecord::getVariant).containsExactly("full", "slim");
        assertThat(records.get(0).getReferences()).containsExactly(LocalToolchain.REGISTRY + "/" + repository + ":it");
        assertThat(records.get(1).getReferences()).containsExactly(LocalToolchain.REGISTRY + "/" + repository + ":it-slim");
        assertThat(records.get(0).getPublish().isPublished()).isTrue();
        assertThat(records.get(1).getPlatforms()).extracting(PlatformRecord::getPlatform).containsExactly("linux/amd64");
        assertThat(records.get(1).getWithheld()).contains("linux/amd64");
        HtmlPage page = r.createWebClient().getPage(run, MultiArchImageAction.URL_NAME + "/");
        assertThat(page.asNormalizedText()).contains("(variant full)", "(variant slim)");

        // When: all or nothing, full would change (a new seed) but slim still fails
        String before = LocalToolchain.digest(repository, "it").orElseThrow();
        job.setDefinition(new CpsFlowDefinition(variantScript(repository, true), true));
        WorkflowRun all = r.buildAndAssertStatus(Result.FAILURE, job);

        // Then: no variant moves
        assertThat(LocalToolchain.digest(repository, "it")).contains(before);
        assertThat(LocalToolchain.digest(repository, "it-slim")).isEmpty();
        r.assertLogContains("all or nothing, and variant(s) slim did not pass", all);
        r.assertLogNotContains("(publish full)", all);
        assertThat(all.getAction(MultiArchImageAction.class).getRuns().get(0).getPublish()).isNull();
    }

    private static String variantScript(String repository, boolean allOrNothing) {
        return "node('caller') {\n"
                + "  writeFile file: 'app/Dockerfile', text: 'FROM busybox\\nARG SEED\\nRUN echo full-$SEED > /variant\\n'\n"
                + "  writeFile file: 'app/Dockerfile.slim', text: 'FROM busybox\\nRUN echo slim && false\\n'\n"
                + "  multiArchImage(image: '" + LocalToolchain.REGISTRY + "/" + repository + "', tags: ['it'], context: 'app',"
                + " platforms: ['linux/amd64', 'linux/arm64'], buildArgs: [SEED: '" + System.nanoTime() + "'],"
                + " variants: [[name: 'full'], [name: 'slim', dockerfile: 'Dockerfile.slim', tagSuffix: '-slim',"
                + " platforms: ['linux/amd64']]], allOrNothing: " + allOrNothing + ")\n"
                + "}";
    }
}
