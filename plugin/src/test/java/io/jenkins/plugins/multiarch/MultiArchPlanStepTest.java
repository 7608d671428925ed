package io.jenkins.plugins.multiarch;

import hudson.model.Result;
import hudson.model.Run;
import io.multiarch.request.BuildRequest;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.structs.describable.DescribableModel;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.time.Duration;
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
        step.setPlatformTimeout("30");
        step.setTestTimeout("90s");
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
    void shouldTakeTimeoutsInTheEnginesTextFormAndABareNumberAsMinutes(JenkinsRule r) {
        // Given: as a Jenkinsfile writes them, the test's as text, the build's as an Integer (before: minutes only)
        Map<String, Object> arguments = Map.of("image", "ghcr.io/acme/app", "platforms", "linux/amd64",
                "testTimeout", "45s", "platformTimeout", 30);

        // When
        MultiArchPlanStep step = new DescribableModel<>(MultiArchPlanStep.class).instantiate(arguments, null);
        PlanSpec spec = PlanDefaults.fill(step, MultiArchImageConfiguration.get(), "RUN");
        BuildRequest request = spec.validate();

        // Then: the record keeps them as written, the engine's request has them parsed
        assertThat(step.getTestTimeout()).isEqualTo("45s");
        assertThat(step.getPlatformTimeout()).isEqualTo("30");
        assertThat(spec.testTimeout).isEqualTo("45s");
        assertThat(request.testTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(request.platformTimeout()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void shouldRefuseATimeoutTheEngineCannotReadByFieldAndValueBeforeAnythingRuns(JenkinsRule r) throws Exception {
        // Given
        WorkflowJob job = r.createProject(WorkflowJob.class, "bad-timeout");
        job.setDefinition(new CpsFlowDefinition("node {\n"
                + "  writeFile file: 'Dockerfile', text: 'FROM busybox'\n"
                + "  multiArchImage(image: 'registry.example/app', platforms: ['linux/amd64'], testTimeout: 'soon', platformTimeout: '0m')\n"
                + "}", true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);

        // Then: both named by the engine, nothing planned
        r.assertLogContains("field 'testTimeout' = 'soon': expected a whole number of minutes, or one with a unit: 90s, 10m, 1h", run);
        r.assertLogContains("field 'platformTimeout' = '0m': must be between 1 and 1440 minutes (24 h)", run);
        r.assertLogNotContains("multiArchImage: linux/amd64 on", run);
        assertThat(run.getAction(MultiArchImageAction.class)).isNull();
    }

    @Test
    void shouldReadTheMinutesOfARecordWrittenBeforeTheTextForm(JenkinsRule r) {
        // Given: a plan as build.xml held it before: platformTimeoutMinutes and testTimeoutMinutes
        MultiArchPlanStep step = new MultiArchPlanStep("ghcr.io/acme/app");
        step.setPlatforms(List.of("linux/amd64"));
        step.setPlatformTimeout("30");
        step.setTestTimeout("5");
        String now = Run.XSTREAM2.toXML(PlanDefaults.fill(step, MultiArchImageConfiguration.get(), "RUN"));
        String before = now.replace("<platformTimeout>30</platformTimeout>", "<platformTimeoutMinutes>30</platformTimeoutMinutes>")
                .replace("<testTimeout>5</testTimeout>", "<testTimeoutMinutes>5</testTimeoutMinutes>");

        // When
        PlanSpec loaded = (PlanSpec) Run.XSTREAM2.fromXML(before);

        // Then: the same values, and what is written now has no minutes field
        assertThat(before).contains("<platformTimeoutMinutes>30</platformTimeoutMinutes>").doesNotContain("<platformTimeout>");
        assertThat(now).doesNotContain("platformTimeoutMinutes", "testTimeoutMinutes");
        assertThat(loaded.platformTimeout).isEqualTo("30");
        assertThat(loaded.testTimeout).isEqualTo("5");
        assertThat(loaded.validate().platformTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(loaded.validate().testTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldTakeSecretsSizeBudgetsAndVariantsAsPipelinesWriteThemAndBackAgain(JenkinsRule r) throws Exception {
        // Given: as a Jenkinsfile writes them: maps, a single string, a single secret without its list
        Map<String, Object> arguments = Map.of("image", "ghcr.io/acme/app",
                "secrets", Map.of("id", "npm", "credentialsId", "npm-token"),
                "sizeBudgets", "12MB", "sizeBudgetWarn", true, "allOrNothing", true,
                "variants", List.of(Map.of("name", "alpine", "dockerfile", "Dockerfile.alpine", "tagSuffix", "-alpine",
                        "buildArgs", Map.of("BASE", "alpine:3.20"), "platforms", "linux/amd64"), Map.of("name", "debian")));

        // When
        MultiArchPlanStep step = new DescribableModel<>(MultiArchPlanStep.class).instantiate(arguments, null);
        MultiArchPlanStep copy = new DescribableModel<>(MultiArchPlanStep.class)
                .instantiate(DescribableModel.uninstantiate2_(step).toMap(), null);

        // Then
        assertThat(step.getSecrets()).extracting(BuildSecretBinding::getId, BuildSecretBinding::getCredentialsId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("npm", "npm-token"));
        assertThat(step.getSizeBudgets()).containsExactly("12MB");
        assertThat(step.getVariants()).extracting(ImageVariant::getName).containsExactly("alpine", "debian");
        ImageVariant alpine = step.getVariants().get(0);
        assertThat(alpine.getBuildArgs()).containsExactly("BASE=alpine:3.20");
        assertThat(alpine.getPlatforms()).containsExactly("linux/amd64");
        assertThat(alpine.toSpec().buildArgs()).containsEntry("BASE", "alpine:3.20");
        r.assertEqualDataBoundBeans(step, copy);
    }

    @Test
    void shouldNameEveryInvalidVariantFieldBudgetAndAllOrNothingBeforeAnythingRuns(JenkinsRule r) throws Exception {
        // Given
        WorkflowJob job = r.createProject(WorkflowJob.class, "bad-variants");
        job.setDefinition(new CpsFlowDefinition("node {\n"
                + "  writeFile file: 'app/Dockerfile', text: 'FROM busybox'\n"
                + "  multiArchImage(image: 'registry.example/app', context: 'app', platforms: ['linux/amd64', 'linux/arm64'],"
                + " variants: [[name: 'alpine', tagSuffix: '-alpine', dockerfile: 'Dockerfile.missing'],"
                + " [name: 'Alpine!'], [name: 'slim', tagSuffix: '-slim', platforms: ['linux/s390x']]])\n"
                + "}", true));
        WorkflowJob alone = r.createProject(WorkflowJob.class, "all-or-nothing-alone");
        alone.setDefinition(new CpsFlowDefinition("node {\n"
                + "  writeFile file: 'Dockerfile', text: 'FROM busybox'\n"
                + "  multiArchImage(image: 'registry.example/app', allOrNothing: true, sizeBudgets: ['12 parsecs', 'linux/arm64=1MB'])\n"
                + "}", true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);
        WorkflowRun aloneRun = r.buildAndAssertStatus(Result.FAILURE, alone);

        // Then: each problem with its field, the variant named; nothing planned
        r.assertLogContains("variants[0] (alpine).dockerfile", run);
        r.assertLogContains("variants[1].name", run);
        r.assertLogContains("variants[2] (slim).platforms[0]", run);
        r.assertLogNotContains("multiArchImage: linux/amd64 on", run);
        assertThat(run.getAction(MultiArchImageAction.class)).isNull();
        r.assertLogContains("allOrNothing", aloneRun);
        r.assertLogContains("only applies with variants", aloneRun);
        r.assertLogContains("sizeBudgets[0]", aloneRun);
        r.assertLogContains("not a size", aloneRun);
        assertThat(aloneRun.getAction(MultiArchImageAction.class)).isNull();
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
        r.assertLogNotContains("ClassNotFoundException", run);
    }

    @Test
    void shouldTakeTheSbomOptionsAndNameABadGeneratorBeforeAnythingRuns(JenkinsRule r) throws Exception {
        // Given: the options survive a round trip through the step's arguments
        MultiArchPlanStep step = new DescribableModel<>(MultiArchPlanStep.class).instantiate(
                Map.of("image", "ghcr.io/acme/app", "sbom", true, "sbomGenerator", "127.0.0.1:5000/tools/syft-scanner:1"), null);
        r.assertEqualDataBoundBeans(step, new DescribableModel<>(MultiArchPlanStep.class)
                .instantiate(DescribableModel.uninstantiate2_(step).toMap(), null));
        assertThat(step.getSbom()).isTrue();
        assertThat(step.getSbomGenerator()).isEqualTo("127.0.0.1:5000/tools/syft-scanner:1");

        // When a pipeline names a generator that is no image reference
        WorkflowJob job = r.createProject(WorkflowJob.class, "bad-sbom");
        job.setDefinition(new CpsFlowDefinition(
                "multiArchImage(image: 'registry.example/app', platforms: ['linux/amd64'], sbom: true, sbomGenerator: 'not an image!')",
                true));
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);

        // Then the engine's check names the field and its value, and nothing was stashed or built
        r.assertLogContains("the request is not valid", run);
        r.assertLogContains("'sbomGenerator'", run);
        r.assertLogContains("not an image!", run);
        r.assertLogNotContains("Stashed", run);
    }

    @Test
    void shouldRefuseARegistryUrlWithoutSchemeAtPlanTime(JenkinsRule r) throws Exception {
        // Given: an agent exists, but nothing may run on it
        r.createSlave("agent", "docker", null);
        WorkflowJob job = r.createProject(WorkflowJob.class, "registry");
        job.setDefinition(new CpsFlowDefinition("node('docker') {\n"
                + "  writeFile file: 'Dockerfile', text: 'FROM scratch\\n'\n"
                + "  multiArchImage(image: 'localhost:5000/app', platforms: ['linux/amd64'], registry: [url: 'localhost:5000'])\n"
                + "}", true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);

        // Then: the field and its value are named, before any stash or stage
        r.assertLogContains("field 'registry.url' = 'localhost:5000'", run);
        r.assertLogContains("http:// or https://", run);
        r.assertLogNotContains("Stashed", run);
        r.assertLogNotContains("[Pipeline] stage", run);
    }

    @Test
    void shouldCheckTheContextInTheCallersWorkspaceAtPlanTime(JenkinsRule r) throws Exception {
        // Given: the context directory does not exist where the call runs
        r.createSlave("agent", "docker", null);
        WorkflowJob job = r.createProject(WorkflowJob.class, "nocontext");
        job.setDefinition(new CpsFlowDefinition("node('docker') {\n"
                + "  multiArchImage(image: 'localhost:5000/app', platforms: ['linux/amd64'], context: 'missing')\n"
                + "}", true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);

        // Then
        r.assertLogContains("field 'context' = 'missing'", run);
        r.assertLogNotContains("Stashed", run);
    }

    @Test
    void shouldAskForAWorkspaceWhenCalledOutsideNode(JenkinsRule r) throws Exception {
        // Given
        WorkflowJob job = r.createProject(WorkflowJob.class, "nonode");
        job.setDefinition(new CpsFlowDefinition(
                "multiArchImage(image: 'localhost:5000/app', platforms: ['linux/amd64'])", true));

        // When
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);

        // Then
        r.assertLogContains("inside node { } or a declarative stage with an agent", run);
    }

    @Test
    void shouldLeaveWhatDockerignoreIgnoresOutOfTheStash(JenkinsRule r) throws Exception {
        // Given: a context with a .git directory and build output that .dockerignore ignores, and user excludes
        WorkflowJob job = r.createProject(WorkflowJob.class, "dockerignore");
        job.setDefinition(new CpsFlowDefinition("node {\n"
                + "  writeFile file: 'app/Dockerfile', text: 'FROM scratch\\nCOPY . /\\n'\n"
                + "  writeFile file: 'app/src/main.c', text: 'int main(){return 0;}'\n"
                + "  writeFile file: 'app/.git/config', text: '[core]'\n"
                + "  writeFile file: 'app/build/big.o', text: 'object'\n"
                + "  writeFile file: 'app/notes.tmp', text: 'scratch'\n"
                + "  writeFile file: 'app/.dockerignore', text: '.git\\nbuild\\n'\n"
                + "  def plan = multiArchPlan(image: 'localhost:5000/app', platforms: ['linux/amd64'], context: 'app',"
                + " stashExcludes: ['app/*.tmp'])\n"
                + "  echo \"EXCLUDES=${plan.stashExcludes}\"\n"
                + "  stash name: 'ctx', includes: plan.stashIncludes, excludes: plan.stashExcludes, useDefaultExcludes: false\n"
                + "  dir('copy') {\n"
                + "    unstash 'ctx'\n"
                + "    echo \"DOCKERFILE=${fileExists('app/Dockerfile')} SRC=${fileExists('app/src/main.c')}"
                + " IGNOREFILE=${fileExists('app/.dockerignore')} GIT=${fileExists('app/.git/config')}"
                + " BUILD=${fileExists('app/build/big.o')} TMP=${fileExists('app/notes.tmp')}\"\n"
                + "  }\n"
                + "}", true));

        // When
        WorkflowRun run = r.buildAndAssertSuccess(job);

        // Then
        r.assertLogContains("EXCLUDES=app/.git,app/.git/**,app/build,app/build/**,app/*.tmp", run);
        r.assertLogContains("DOCKERFILE=true SRC=true IGNOREFILE=true GIT=false BUILD=false TMP=false", run);
        r.assertLogContains("app/.dockerignore leaves 2 of its 2 pattern(s) out of the stashed context", run);
    }

    @Test
    void shouldAllowExactlyItsOwnWiringScriptToPipeline(JenkinsRule r) {
        // Given
        java.net.URL ours = MultiArchImageGlobalVariable.scriptUrl();

        // When
        List<org.jenkinsci.plugins.workflow.cps.GroovySourceFileAllowlist> all =
                org.jenkinsci.plugins.workflow.cps.GroovySourceFileAllowlist.all();

        // Then
        assertThat(ours).isNotNull();
        assertThat(all).hasAtLeastOneElementOfType(MultiArchImageGlobalVariable.ScriptAllowlist.class);
        MultiArchImageGlobalVariable.ScriptAllowlist allowlist = new MultiArchImageGlobalVariable.ScriptAllowlist();
        assertThat(allowlist.isAllowed(ours.toString())).isTrue();
        assertThat(allowlist.isAllowed(ours.toString().replace("MultiArchImagePipeline.groovy", "Other.groovy"))).isFalse();
        assertThat(allowlist.isAllowed("file:/tmp/evil/io/jenkins/plugins/multiarch/MultiArchImagePipeline.groovy")).isFalse();
    }
}
