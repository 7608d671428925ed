package io.multiarch.buildx;

import io.multiarch.docker.DockerCli;
import io.multiarch.plan.PlatformTask;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.CommandRunner;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.ExecutionOptions;
import io.multiarch.request.RawBuildInput;
import io.multiarch.request.TestSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BuildxCommandsTest {
    private static final String RUN_ID = "20250101-120000-a1b2c3";
    private static final String DIGEST_A = "sha256:" + "a".repeat(64);
    private static final String DIGEST_B = "sha256:" + "b".repeat(64);
    private static final Map<String, String> ENV = Map.of("DOCKER_CONFIG", "/run/multiarch/docker-config");
    private static final CommandRunner NO_RUNNER = (c, l) -> {
        throw new AssertionError("commands are only built here, never run: " + c);
    };

    @TempDir
    Path context;

    private Path ctx;
    private final DockerCli docker = new DockerCli("/usr/bin/docker", ENV, NO_RUNNER);

    @BeforeEach
    void writeDockerfile() throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\n");
        ctx = context.toAbsolutePath().normalize();
    }

    private RawBuildInput request() {
        return new RawBuildInput()
                .image("127.0.0.1:5000/demo/hello")
                .tags(List.of("1.0", "latest"))
                .context(context.toString())
                .platforms(List.of("linux/amd64", "linux/arm/v7"));
    }

    private BuildxCommands commands(BuildRequest request) {
        return new BuildxCommands(docker, request);
    }

    private PlatformTask task(BuildRequest request, Platform platform) {
        return RunPlan.of(request, Set.of(Platform.AMD64), RUN_ID).task(platform);
    }

    @Test
    void shouldBuildOnePlatformUnderItsTemporaryTag() {
        // Given the docker driver, which cannot push by digest
        BuildRequest request = request().build();

        // When
        Command c = commands(request).build(task(request, Platform.ARM_V7), false, "/tmp/run/metadata.json");

        // Then
        assertThat(c.argv()).containsExactly("/usr/bin/docker", "buildx", "build",
                "--platform", "linux/arm/v7",
                "--file", ctx.resolve("Dockerfile").toString(),
                "--provenance=false",
                "--progress", "plain",
                "--metadata-file", "/tmp/run/metadata.json",
                "--cache-from", "type=registry,ref=127.0.0.1:5000/demo/hello:multiarch-cache-linux-arm-v7",
                "--cache-to", "type=registry,ref=127.0.0.1:5000/demo/hello:multiarch-cache-linux-arm-v7,mode=max,ignore-error=true",
                "--tag", "127.0.0.1:5000/demo/hello:multiarch-tmp-" + RUN_ID + "-linux-arm-v7",
                "--push",
                ctx.toString());
        assertThat(c.env()).containsAllEntriesOf(ENV).containsEntry("BUILDX_GIT_INFO", "false").hasSize(ENV.size() + 1);
        assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(60));
    }

    @Test
    void shouldPushByDigestWhereTheBuilderCan() {
        BuildRequest request = request().platformTimeout(Duration.ofMinutes(20)).registryCache(false).build();

        Command c = commands(request).build(task(request, Platform.AMD64), true, "/tmp/m.json");

        assertThat(c.argv()).containsExactly("/usr/bin/docker", "buildx", "build",
                "--platform", "linux/amd64",
                "--file", ctx.resolve("Dockerfile").toString(),
                "--provenance=false",
                "--progress", "plain",
                "--metadata-file", "/tmp/m.json",
                "--output", "type=image,name=127.0.0.1:5000/demo/hello,push-by-digest=true,name-canonical=true,push=true",
                ctx.toString());
        assertThat(c.argv()).doesNotContain("--push", "--tag", "--cache-from", "--cache-to");
        assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void shouldImportTheCacheWithoutExportingItWhenTheBuilderRefusesExport() {
        BuildRequest request = request().build();

        Command c = commands(request).build(task(request, Platform.ARM_V7), false, "/tmp/m.json", true, false);

        assertThat(c.argv()).containsSubsequence("--cache-from", "type=registry,ref=127.0.0.1:5000/demo/hello:multiarch-cache-linux-arm-v7")
                .doesNotContain("--cache-to");
    }

    @Test
    void shouldKeepEachPlatformsCacheApart() {
        BuildRequest request = request().build();

        List<String> refs = request.platforms().stream()
                .map(p -> io.multiarch.process.ScriptedRunner.argAfter(commands(request).build(task(request, p), true, "/m.json"), "--cache-from"))
                .toList();

        assertThat(refs).containsExactly("type=registry,ref=127.0.0.1:5000/demo/hello:multiarch-cache-linux-amd64",
                "type=registry,ref=127.0.0.1:5000/demo/hello:multiarch-cache-linux-arm-v7");
    }

    @Test
    void shouldPassTargetBuildArgsLabelsAndProvenanceAsSeparateArguments() {
        // Given values a shell would split or expand
        BuildRequest request = request()
                .target("runtime")
                .buildArg("VERSION", "1.0 beta; rm -rf / $(id)")
                .buildArg("EMPTY", "")
                .label("org.opencontainers.image.title", "Hello 'world'")
                .provenance(true)
                .build();

        // When
        Command c = commands(request).build(task(request, Platform.AMD64), false, "/tmp/m.json");

        // Then each value is one argv element, as written
        assertThat(c.argv()).containsSubsequence("--target", "runtime")
                .containsSubsequence("--build-arg", "VERSION=1.0 beta; rm -rf / $(id)")
                .containsSubsequence("--build-arg", "EMPTY=")
                .containsSubsequence("--label", "org.opencontainers.image.title=Hello 'world'")
                .contains("--provenance=true")
                .doesNotContain("--provenance=false");
        assertThat(c.argv().subList(0, 5)).containsExactly("/usr/bin/docker", "buildx", "build", "--platform", "linux/amd64");
        assertThat(c.argv()).last().isEqualTo(ctx.toString());
        assertThat(c.display()).contains("'VERSION=1.0 beta; rm -rf / $(id)'");
    }

    @Test
    void shouldRunBuildxStandaloneWhereTheToolchainNamesItsExecutable() {
        // Given the docker CLI's buildx plugin, as docker info listed it
        BuildRequest request = request().build();
        String plugin = "/usr/libexec/docker/cli-plugins/docker-buildx";
        BuildxCommands standalone = new BuildxCommands(docker.withBuildx(plugin), request);

        // When
        Command through = commands(request).build(task(request, Platform.AMD64), false, "/tmp/m.json");
        Command direct = standalone.build(task(request, Platform.AMD64), false, "/tmp/m.json");

        // Then the same arguments, the same environment, without the docker CLI in front; the publish's imagetools
        // calls still go through the docker CLI
        assertThat(through.argv().subList(0, 3)).containsExactly("/usr/bin/docker", "buildx", "build");
        assertThat(direct.argv().subList(0, 2)).containsExactly(plugin, "build");
        assertThat(direct.argv().subList(2, direct.argv().size())).isEqualTo(through.argv().subList(3, through.argv().size()));
        assertThat(direct.env()).isEqualTo(through.env());
        assertThat(direct.timeout()).isEqualTo(through.timeout());
        assertThat(standalone.createIndex(List.of(DIGEST_A), false).argv().subList(0, 4))
                .containsExactly("/usr/bin/docker", "buildx", "imagetools", "create");
    }

    @Test
    void shouldTurnBuildxsGitLookUpOffOnlyWhereNothingUsesIt() {
        // Given a build without provenance, one with it, and one whose user asked for buildx's git labels
        BuildRequest plain = request().build();
        BuildRequest withProvenance = request().provenance(true).build();
        DockerCli labelling = new DockerCli("/usr/bin/docker",
                DockerCli.buildxGitSettings(Map.of("BUILDX_GIT_LABELS", "full", "HOME", "/root")), NO_RUNNER);

        // When
        Command off = commands(plain).build(task(plain, Platform.AMD64), false, "/tmp/m.json");
        Command provenance = commands(withProvenance).build(task(withProvenance, Platform.AMD64), false, "/tmp/m.json");
        Command labels = new BuildxCommands(labelling, plain).build(task(plain, Platform.AMD64), false, "/tmp/m.json");

        // Then only the first skips the look-up; the docker CLI's own environment stays as it is in all three
        assertThat(off.env()).containsEntry("BUILDX_GIT_INFO", "false").containsAllEntriesOf(ENV);
        assertThat(provenance.env()).doesNotContainKey("BUILDX_GIT_INFO").isEqualTo(ENV);
        assertThat(labels.env()).isEqualTo(Map.of("BUILDX_GIT_LABELS", "full"));
    }

    @Test
    void shouldPassSecretsByReferenceToEveryBuildAndNeverToTheTest() throws IOException {
        // Given a secret in a file and one in an environment variable
        Path file = Files.writeString(context.resolve("token"), "the-value");
        BuildRequest request = request().secret("id=token,src=" + file).secret("id=npm,env=NPM_TOKEN")
                .environment(Map.of("NPM_TOKEN", "npm-value")).testShell("true").build();

        // When
        Command one = commands(request).build(task(request, Platform.AMD64), false, "/tmp/m.json");
        List<PlatformTask> tasks = List.of(task(request, Platform.AMD64), task(request, Platform.ARM_V7));
        Command batch = commands(request).batchBuild(tasks, "multiarch-cache-set-x", "multiarch-tmp-b", false, "/tmp/m.json", true);
        Command test = commands(request).test(Platform.AMD64, RUN_ID, DIGEST_A, request.test().orElseThrow());

        // Then buildx gets where to read each value, never a value, and nothing reaches the command's environment
        for (Command c : List.of(one, batch)) {
            assertThat(c.argv()).containsSubsequence("--secret", "id=token,src=" + file.toAbsolutePath().normalize(),
                    "--secret", "id=npm,env=NPM_TOKEN");
            assertThat(String.join(" ", c.argv())).doesNotContain("the-value").doesNotContain("npm-value");
            assertThat(c.env()).containsAllEntriesOf(ENV).containsOnlyKeys("DOCKER_CONFIG", "BUILDX_GIT_INFO");
        }
        assertThat(test.argv()).doesNotContain("--secret");
    }

    @Test
    void shouldAskForAnSbomWithBuildKitsScannerOrTheOneNamed() {
        BuildRequest plain = request().build();
        BuildRequest sbom = request().sbom(true).build();
        BuildRequest generator = request().sbomGenerator("registry.example.com/mirror/buildkit-syft-scanner:stable-1").build();

        assertThat(commands(plain).build(task(plain, Platform.AMD64), false, "/tmp/m.json").argv()).noneMatch(a -> a.startsWith("--sbom"));
        assertThat(commands(sbom).build(task(sbom, Platform.AMD64), false, "/tmp/m.json").argv()).contains("--sbom=true");
        assertThat(commands(generator).build(task(generator, Platform.AMD64), false, "/tmp/m.json").argv())
                .contains("--sbom=generator=registry.example.com/mirror/buildkit-syft-scanner:stable-1");
        // an attestation reaches the published index only from per-platform builds
        ExecutionOptions batching = new ExecutionOptions(4, true);
        assertThat(batching.batches(plain)).isTrue();
        assertThat(batching.batches(sbom)).isFalse();
        assertThat(generator.sbom()).isTrue();
        assertThat(batching.batches(generator)).isFalse();
    }

    @Test
    void shouldRunAShellTestInThePlatformsImageByDigest() {
        // Given
        BuildRequest request = request().testShell("uname -m | grep armv7l").testTimeout(Duration.ofSeconds(90)).build();

        // When
        Command c = commands(request).test(Platform.ARM_V7, RUN_ID, DIGEST_A, request.test().orElseThrow());

        // Then the entrypoint is /bin/sh and the command its -c argument, the image addressed by digest
        String name = "multiarch-test-" + RUN_ID + "-linux-arm-v7";
        assertThat(c.argv()).containsExactly("/usr/bin/docker", "run", "--rm", "--init", "--name", name,
                "--label", "io.multiarch.run=" + RUN_ID,
                "--platform", "linux/arm/v7", "--pull", "missing",
                "-e", "MULTIARCH_PLATFORM=linux/arm/v7",
                "-e", "MULTIARCH_ARCH=arm",
                "-e", "MULTIARCH_VARIANT=v7",
                "--entrypoint", "/bin/sh",
                "127.0.0.1:5000/demo/hello@" + DIGEST_A,
                "-c", "uname -m | grep armv7l");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.onTimeout()).hasValue(List.of("/usr/bin/docker", "rm", "-f", name));
        assertThat(c.env()).isEqualTo(ENV);
    }

    @Test
    void shouldRunAnExecFormTestWithItsProgramAsEntrypoint() {
        BuildRequest request = request().testExec(List.of("/bin/busybox", "uname", "-m")).build();

        Command c = commands(request).test(Platform.AMD64, RUN_ID, DIGEST_B, request.test().orElseThrow());

        assertThat(c.argv()).containsExactly("/usr/bin/docker", "run", "--rm", "--init", "--name", "multiarch-test-" + RUN_ID + "-linux-amd64",
                "--label", "io.multiarch.run=" + RUN_ID,
                "--platform", "linux/amd64", "--pull", "missing",
                "-e", "MULTIARCH_PLATFORM=linux/amd64",
                "-e", "MULTIARCH_ARCH=amd64",
                "-e", "MULTIARCH_VARIANT=",
                "--entrypoint", "/bin/busybox",
                "127.0.0.1:5000/demo/hello@" + DIGEST_B,
                "uname", "-m");
        assertThat(c.argv()).doesNotContain("/bin/sh", "-c");
    }

    @Test
    void shouldPutTheCliLabelsOnTheTestContainer() {
        BuildRequest request = request().testShell("true").build();
        BuildxCommands commands = new BuildxCommands(new io.multiarch.docker.DockerCli("/usr/bin/docker", ENV,
                new io.multiarch.process.ScriptedRunner()).withContainerLabels(java.util.Map.of("io.multiarch.owner", "host/42/1000")), request);

        Command c = commands.test(Platform.AMD64, RUN_ID, DIGEST_B, request.test().orElseThrow());

        assertThat(c.argv()).containsSubsequence("--init", "--label", "io.multiarch.run=" + RUN_ID,
                "--label", "io.multiarch.owner=host/42/1000", "--platform", "linux/amd64");
    }

    @Test
    void shouldRunAnExecFormTestOfOneElement() {
        BuildRequest request = request().testExec(List.of("/selftest")).build();

        Command c = commands(request).test(Platform.AMD64, RUN_ID, DIGEST_B, request.test().orElseThrow());

        assertThat(c.argv()).endsWith("--entrypoint", "/selftest", "127.0.0.1:5000/demo/hello@" + DIGEST_B);
    }

    @Test
    void shouldNameTestContainersPerRunAndPlatform() {
        assertThat(BuildxCommands.containerName(RUN_ID, Platform.ARM_V6)).isEqualTo("multiarch-test-" + RUN_ID + "-linux-arm-v6");
        assertThat(Platform.SUPPORTED).extracting(p -> BuildxCommands.containerName(RUN_ID, p))
                .allMatch(n -> n.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]+"))
                .doesNotHaveDuplicates();
    }

    @Test
    void shouldComposeTheIndexUnderEveryTagWithADryRunFirst() {
        BuildRequest request = request().build();

        Command dry = commands(request).createIndex(List.of(DIGEST_A, DIGEST_B), true);
        Command real = commands(request).createIndex(List.of(DIGEST_A, DIGEST_B), false);

        assertThat(dry.argv()).containsExactly("/usr/bin/docker", "buildx", "imagetools", "create", "--dry-run",
                "--tag", "127.0.0.1:5000/demo/hello:1.0",
                "--tag", "127.0.0.1:5000/demo/hello:latest",
                "127.0.0.1:5000/demo/hello@" + DIGEST_A,
                "127.0.0.1:5000/demo/hello@" + DIGEST_B);
        assertThat(real.argv()).containsExactly("/usr/bin/docker", "buildx", "imagetools", "create",
                "--tag", "127.0.0.1:5000/demo/hello:1.0",
                "--tag", "127.0.0.1:5000/demo/hello:latest",
                "127.0.0.1:5000/demo/hello@" + DIGEST_A,
                "127.0.0.1:5000/demo/hello@" + DIGEST_B);
        assertThat(real.env()).isEqualTo(ENV);
    }

    @Test
    void shouldReadTheRawManifest() {
        BuildRequest request = request().build();

        Command c = commands(request).inspectRaw("127.0.0.1:5000/demo/hello:1.0");

        assertThat(c.argv()).containsExactly("/usr/bin/docker", "buildx", "imagetools", "inspect", "--raw",
                "127.0.0.1:5000/demo/hello:1.0");
    }

    @Test
    void shouldNeverHandAShellLineToAnyProcess() {
        // Given every command of a run, with a shell test
        BuildRequest request = request().testShell("echo ok").target("t").buildArg("A", "b c").label("l", "x y").build();
        BuildxCommands commands = commands(request);
        List<Command> all = new ArrayList<>();
        for (Platform p : request.platforms()) {
            all.add(commands.build(task(request, p), false, "/tmp/m.json"));
            all.add(commands.build(task(request, p), true, "/tmp/m.json"));
            all.add(commands.test(p, RUN_ID, DIGEST_A, request.test().orElseThrow()));
        }
        all.add(commands.createIndex(List.of(DIGEST_A, DIGEST_B), true));
        all.add(commands.inspectRaw("127.0.0.1:5000/demo/hello:latest"));

        // Then docker is the program, no element is a shell, and "-c" only follows the test's own /bin/sh
        for (Command c : all) {
            assertThat(c.argv().get(0)).isEqualTo("/usr/bin/docker");
            for (int i = 0; i < c.argv().size(); i++) {
                if (c.argv().get(i).matches("(/usr)?(/bin/)?(ba|da)?sh")) {
                    assertThat(c.argv().get(i - 1)).as("a shell only as the test's entrypoint: " + c).isEqualTo("--entrypoint");
                }
            }
            int dashC = c.argv().indexOf("-c");
            if (dashC >= 0) {
                assertThat(c.argv().get(dashC - 2)).isEqualTo("/bin/sh");
                assertThat(c.argv().get(dashC - 3)).isEqualTo("--entrypoint");
                assertThat(c.argv().subList(dashC + 1, c.argv().size())).containsExactly("echo ok");
            }
            c.onTimeout().ifPresent(cleanup -> assertThat(cleanup).startsWith("/usr/bin/docker", "rm", "-f"));
        }
    }

    @Test
    void shouldShowTheShellTestAsOneQuotedArgument() {
        TestSpec spec = TestSpec.shell("echo 'it''s' $HOME");

        assertThat(spec.argv()).containsExactly("/bin/sh", "-c", "echo 'it''s' $HOME");
        assertThat(Command.of(spec.argv()).display()).isEqualTo("/bin/sh -c 'echo '\\''it'\\'''\\''s'\\'' $HOME'");
    }
}
