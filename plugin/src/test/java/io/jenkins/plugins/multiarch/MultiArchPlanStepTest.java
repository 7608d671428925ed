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
        r.assertLogNotContains("ClassNotFoundException", run);
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
