package io.multiarch.docker;

import io.multiarch.platform.Platform;
import io.multiarch.process.ScriptedRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.multiarch.process.ScriptedRunner.fail;
import static io.multiarch.process.ScriptedRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** On the output of the real toolchain (Docker 26.1.5, buildx 0.13.1), captured in src/test/resources/captured. */
class ToolchainProbeTest {

    static String resource(String name) {
        try (var in = ToolchainProbeTest.class.getResourceAsStream("/captured/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldReadTheVersionOfTheRealBuildx() {
        assertThat(ToolchainProbe.parseBuildxVersion(resource("buildx-version.txt"))).isEqualTo("0.13.1+ds1");
    }

    @Test
    void shouldDropTheVOfUpstreamBuildxVersions() {
        assertThat(ToolchainProbe.parseBuildxVersion("github.com/docker/buildx v0.17.1 257815a\n")).isEqualTo("0.17.1");
    }

    @Test
    void shouldRefuseSomethingElseThanBuildxVersionOutput() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ToolchainProbe.parseBuildxVersion("docker: 'buildx' is not a docker command.\n"))
                .withMessageContaining("not the output of 'docker buildx version'")
                .withMessageContaining("'buildx' is not a docker command");
        assertThatIllegalArgumentException().isThrownBy(() -> ToolchainProbe.parseBuildxVersion(""));
    }

    @Test
    void shouldReadTheBuilderNotTheNodeFromTheRealInspect() {
        // Given the real output, where "Name:" appears for the builder and then for its node
        ToolchainProbe.Builder builder = ToolchainProbe.parseInspect(resource("buildx-inspect.txt"));

        // Then
        assertThat(builder.name()).isEqualTo("default");
        assertThat(builder.driver()).isEqualTo("docker");
    }

    @Test
    void shouldReadADockerContainerBuilder() {
        String text = """
                Name:          multiarch
                Driver:        docker-container
                Last Activity: 2025-01-01 12:00:00 +0000 UTC

                Nodes:
                Name:                  multiarch0
                Endpoint:              unix:///var/run/docker.sock
                Driver Options:        network="host"
                Status:                running
                """;

        ToolchainProbe.Builder builder = ToolchainProbe.parseInspect(text);

        assertThat(builder.name()).isEqualTo("multiarch");
        assertThat(builder.driver()).isEqualTo("docker-container");
    }

    @Test
    void shouldRefuseAnInspectWithoutBuilder() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ToolchainProbe.parseInspect("ERROR: no builder \"nope\" found\n"))
                .withMessageContaining("named no builder or driver")
                .withMessageContaining("no builder");
    }

    /** A docker that answers as the real one did, on a kernel whose probes print these machines. */
    static ScriptedRunner realDocker(Map<Platform, String> machines) {
        ScriptedRunner runner = new ScriptedRunner()
                .on(List.of("version", "--format"), c -> ok(resource("docker-version.json")))
                .on(List.of("info", "--format"), c -> ok(resource("docker-info.json")))
                .on(List.of("buildx", "version"), c -> ok(resource("buildx-version.txt")))
                .on(List.of("buildx", "inspect"), c -> ok(resource("buildx-inspect.txt")));
        machines.forEach((p, machine) -> runner.on(argv -> argv.contains("run") && argv.get(argv.size() - 1)
                .equals("/probe-" + p.slug()), c -> ok(machine + "\0\0\0")));
        return runner;
    }

    @Test
    void shouldTakeANativeMeasurementFromMemoryAndKeepNewOnes() throws Exception {
        // Given a memory that knows amd64 on this daemon (the CLI keeps them for one boot of the daemon's kernel)
        ScriptedRunner runner = realDocker(Map.of(Platform.AMD64, "x86_64", Platform.I386, "i686\0" + "4"));
        Map<String, Boolean> kept = new java.util.concurrent.ConcurrentHashMap<>();
        ToolchainProbe.NativeMemory memory = new ToolchainProbe.NativeMemory() {
            @Override
            public java.util.Optional<java.util.Set<Platform>> recall(Key key, Platform platform) {
                assertThat(key).isEqualTo(new Key("4233e61f-98db-4b3e-a304-5e740599f144", "6.18.44-fc-v782", "amd64", "x86_64"));
                return platform.equals(Platform.AMD64) ? java.util.Optional.of(java.util.Set.of(Platform.AMD64)) : java.util.Optional.empty();
            }

            @Override
            public void remember(Key key, Platform platform, boolean nativePlatform) {
                kept.put(platform.toString(), nativePlatform);
            }
        };

        // When
        Toolchain toolchain = ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner), Platform.SUPPORTED, memory);

        // Then amd64 came from memory (no probe container), 386 was measured and kept
        assertThat(toolchain.nativePlatforms()).containsExactly(Platform.AMD64);
        assertThat(runner.argvs()).noneMatch(a -> a.contains("/probe-linux-amd64"));
        assertThat(runner.argvs()).anyMatch(a -> a.contains("/probe-linux-386"));
        assertThat(kept).containsExactly(Map.entry("linux/386", false));
    }

    @Test
    void shouldProbeTheRealToolchain() throws Exception {
        // Given a docker that answers as the real one did, on a kernel that runs 386 natively
        ScriptedRunner runner = realDocker(Map.of(Platform.AMD64, "x86_64", Platform.I386, "x86_64"));
        DockerCli docker = new DockerCli("docker", Map.of("DOCKER_HOST", "unix:///var/run/docker.sock"), runner);

        // When
        Toolchain toolchain = ToolchainProbe.probe(docker);

        // Then
        assertThat(toolchain.clientVersion()).isEqualTo("26.1.5+dfsg1");
        assertThat(toolchain.serverVersion()).isEqualTo("26.1.5+dfsg1");
        assertThat(toolchain.buildxVersion()).isEqualTo("0.13.1+ds1");
        assertThat(toolchain.builder()).isEqualTo("default");
        assertThat(toolchain.driver()).isEqualTo("docker");
        assertThat(toolchain.serverArchitecture()).isEqualTo("amd64");
        assertThat(toolchain.nativePlatforms()).containsExactlyInAnyOrder(Platform.AMD64, Platform.I386);
        assertThat(toolchain.containerdStore()).isTrue();
        assertThat(toolchain.pushByDigest()).isFalse();
        // the plugin the docker CLI runs, as docker info lists it: what the CLI may run standalone
        assertThat(toolchain.buildxPath()).isEqualTo("/usr/libexec/docker/cli-plugins/docker-buildx");
        assertThat(toolchain.describe()).isEqualTo("docker 26.1.5+dfsg1 (daemon 26.1.5+dfsg1, amd64, containerd image store), "
                + "buildx 0.13.1+ds1, builder 'default' (driver docker, pushes temporary tags), "
                + "runs natively: linux/amd64, linux/386");
        assertThat(runner.calls()).allSatisfy(c -> {
            assertThat(c.argv().get(0)).isEqualTo("docker");
            assertThat(c.env()).containsEntry("DOCKER_HOST", "unix:///var/run/docker.sock");
        });
        assertThat(runner.unexpected()).isEmpty();
    }

    @Test
    void shouldProbeANewerClientAgainstTheSameDaemon() throws Exception {
        // Given the Docker 28 client the machine image ships, which downgrades its API to the daemon's
        ScriptedRunner runner = new ScriptedRunner()
                .on(List.of("version", "--format"), c -> ok(resource("docker-version-client28.json")))
                .on(List.of("info", "--format"), c -> ok(resource("docker-info.json")))
                .on(List.of("buildx", "version"), c -> ok(resource("buildx-version.txt")))
                .on(List.of("buildx", "inspect"), c -> ok(resource("buildx-inspect.txt")))
                .on(argv -> argv.contains("run"), c -> ok("x86_64\0"));

        // When
        Toolchain toolchain = ToolchainProbe.probe(new DockerCli("/usr/local/bin/docker", Map.of(), runner));

        // Then
        assertThat(toolchain.clientVersion()).isEqualTo("28.2.2");
        assertThat(toolchain.serverVersion()).isEqualTo("26.1.5+dfsg1");
        assertThat(toolchain.nativePlatforms()).containsExactlyInAnyOrder(Platform.AMD64, Platform.I386);
    }

    @Test
    void shouldSayWhenTheDaemonDoesNotAnswer() {
        // Given 'docker version' as printed when the daemon is down: exit 1, Server null
        ScriptedRunner runner = new ScriptedRunner()
                .on(List.of("version", "--format"), c -> new io.multiarch.process.CommandResult(1,
                        "{\"Client\":{\"Version\":\"26.1.5+dfsg1\",\"Os\":\"linux\",\"Arch\":\"amd64\"},\"Server\":null}\n",
                        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
                        java.time.Duration.ofMillis(30), false));

        // Then the error names the command and says what docker said
        assertThatThrownBy(() -> ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner)))
                .isInstanceOf(DockerException.class)
                .hasMessageContaining("'docker version --format '{{json .}}'' exited with 1")
                .hasMessageContaining("Is the docker daemon running?");
    }

    @Test
    void shouldTakeBuildxsVersionFromDockerInfoWithoutAProcessOfItsOwn() throws Exception {
        // Given the real docker, whose 'docker info' lists the buildx CLI plugin with its version
        ScriptedRunner runner = realDocker(Map.of(Platform.AMD64, "x86_64", Platform.I386, "x86_64"));

        // When
        Toolchain toolchain = ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner));

        // Then the version is the plugin's, and 'docker buildx version' never ran
        assertThat(toolchain.buildxVersion()).isEqualTo("0.13.1+ds1");
        assertThat(runner.argvs()).noneMatch(a -> a.containsAll(List.of("buildx", "version")));
    }

    @Test
    void shouldRecheckWithoutAskingBuildxForTheBuilderWhichTheBuildsName() throws Exception {
        // Given a toolchain as remembered, on builder 'ci' (docker-container driver)
        Toolchain assumed = new Toolchain("26.1.5+dfsg1", "26.1.5+dfsg1", "0.13.1+ds1", "ci", "docker-container", "amd64",
                java.util.Set.of(Platform.AMD64), true, true);
        ScriptedRunner runner = realDocker(Map.of(Platform.AMD64, "x86_64", Platform.I386, "x86_64"));

        // When probed again beside the build
        Toolchain toolchain = ToolchainProbe.recheck(new DockerCli("docker", Map.of(), runner), List.of(Platform.AMD64),
                ToolchainProbe.NativeMemory.NONE, assumed);

        // Then docker was asked for everything but the builder, which is the assumed one (each build names its own)
        assertThat(runner.argvs()).noneMatch(a -> a.containsAll(List.of("buildx", "inspect")));
        assertThat(runner.argvs()).anyMatch(a -> a.contains("info")).anyMatch(a -> a.contains("version"));
        assertThat(toolchain.builder()).isEqualTo("ci");
        assertThat(toolchain.driver()).isEqualTo("docker-container");
        assertThat(toolchain.pushByDigest()).isTrue();
        assertThat(toolchain.serverVersion()).isEqualTo("26.1.5+dfsg1");
    }

    @Test
    void shouldAskBuildxItselfWhenDockerInfoListsNoBuildxPlugin() throws Exception {
        // Given a docker info without the plugin (an older client, or buildx installed some other way)
        ScriptedRunner runner = realDocker(Map.of(Platform.AMD64, "x86_64", Platform.I386, "x86_64"))
                .on(List.of("info", "--format"), c -> ok(infoWithoutPlugins()))
                .on(List.of("buildx", "version"), c -> ok("github.com/docker/buildx v0.14.0 171fcbe\n"));

        // When
        Toolchain toolchain = ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner));

        // Then buildx is used through the docker CLI only: where its executable is, is not known
        assertThat(toolchain.buildxVersion()).isEqualTo("0.14.0");
        assertThat(toolchain.buildxPath()).isEmpty();
        assertThat(runner.argvs()).anyMatch(a -> a.containsAll(List.of("buildx", "version")));
    }

    /** The captured {@code docker info} with its client's plugin list emptied. */
    private static String infoWithoutPlugins() throws java.io.IOException {
        com.fasterxml.jackson.databind.node.ObjectNode info = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(resource("docker-info.json"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) info.get("ClientInfo")).putArray("Plugins");
        return info.toString();
    }

    @Test
    void shouldSayWhenBuildxIsMissing() throws Exception {
        ScriptedRunner runner = new ScriptedRunner()
                .on(List.of("version", "--format"), c -> ok(resource("docker-version.json")))
                .on(List.of("info", "--format"), c -> ok(infoWithoutPlugins()))
                .on(List.of("buildx", "version"), c -> fail(1, "docker: 'buildx' is not a docker command.\nSee 'docker --help'"));

        assertThatThrownBy(() -> ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner)))
                .isInstanceOf(DockerException.class)
                .hasMessageContaining("'buildx' is not a docker command");
    }

    @Test
    void shouldMeasure386AsEmulatedWhenQemuAnswersForItOnAnAmd64Kernel() throws Exception {
        // Given a kernel without 32-bit support, where a registered qemu-i386 runs 386 programs: QEMU answers
        // uname with its own CPU, i686 (before, 386 counted as native on every amd64 machine)
        ScriptedRunner runner = realDocker(Map.of(Platform.AMD64, "x86_64", Platform.I386, "i686\0" + "4"));

        // When
        Toolchain toolchain = ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner));

        // Then
        assertThat(toolchain.nativePlatforms()).containsExactly(Platform.AMD64);
        assertThat(toolchain.describe()).endsWith("runs natively: linux/amd64");
    }

    @Test
    void shouldRunEachProbeInAContainerOfItsOwnWithoutNetworkOrPull() throws Exception {
        ScriptedRunner runner = realDocker(Map.of(Platform.AMD64, "x86_64", Platform.I386, "x86_64"));

        ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner).withContainerLabels(Map.of("io.multiarch.owner", "h/1/2")));

        List<io.multiarch.process.Command> runs = runner.callsWith("run", "--rm", "--pull", "never", "--network", "none");
        assertThat(runs).hasSize(2);
        assertThat(runs).allSatisfy(c -> {
            assertThat(c.argv()).contains("--label", "io.multiarch.owner=h/1/2");
            assertThat(String.join(" ", c.argv())).containsPattern(" multiarch-probe:[0-9a-f]{12} /probe-linux-");
            assertThat(c.onTimeout()).isPresent();
        });
    }

    @Test
    void shouldMeasureAProgramThatCannotRunAsNotNative() throws Exception {
        // Given a kernel that neither runs 386 nor has an emulator for it: the exec fails in the container
        ScriptedRunner runner = realDocker(Map.of(Platform.AMD64, "x86_64"))
                .on(argv -> argv.contains("/probe-linux-386"), c -> fail(1, "exec /probe-linux-386: exec format error"));

        Toolchain toolchain = ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner));

        assertThat(toolchain.nativePlatforms()).containsExactly(Platform.AMD64);
    }

    @Test
    void shouldImportTheProbeImageFromATarOnStandardInputWhenTheDaemonLacksIt() throws Exception {
        // Given a daemon that does not have the probe image yet
        java.util.concurrent.atomic.AtomicBoolean imported = new java.util.concurrent.atomic.AtomicBoolean();
        ScriptedRunner runner = realDocker(Map.of())
                .on(argv -> argv.contains("run"), c -> imported.get() ? ok("x86_64\0")
                        : fail(125, "docker: Error response from daemon: No such image: multiarch-probe:0123456789ab."))
                .on(List.of("image", "import"), c -> {
                    imported.set(true);
                    return ok("sha256:feed\n");
                });

        // When
        Toolchain toolchain = ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner), List.of(Platform.AMD64));

        // Then it was imported once, for the daemon's platform, from a tar holding every platform's program
        List<io.multiarch.process.Command> imports = runner.callsWith("image", "import", "--platform", "linux/amd64", "-");
        assertThat(imports).hasSize(1);
        byte[] tar = imports.get(0).stdin();
        assertThat(new String(tar, 0, 19, StandardCharsets.US_ASCII)).isEqualTo("probe-linux-amd64\0\0");
        assertThat(tar.length % 512).isZero();
        assertThat(imports.get(0).argv().get(imports.get(0).argv().size() - 1)).matches("multiarch-probe:[0-9a-f]{12}");
        assertThat(toolchain.nativePlatforms()).containsExactly(Platform.AMD64);
    }

    @Test
    void shouldStartNoProbeForPlatformsThatCannotBeNativeOrAreNotBuilt() throws Exception {
        ScriptedRunner runner = realDocker(Map.of(Platform.AMD64, "x86_64", Platform.I386, "x86_64"));

        Toolchain toolchain = ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner),
                List.of(Platform.ARM64, Platform.S390X));

        assertThat(runner.callsWith("run")).isEmpty();
        assertThat(toolchain.nativePlatforms()).isEmpty();
    }

    @Test
    void shouldSayWhenDockerCannotRunTheProbeAtAll() {
        ScriptedRunner runner = realDocker(Map.of())
                .on(argv -> argv.contains("run"), c -> fail(125, "docker: Error response from daemon: failed to create task: "
                        + "OCI runtime create failed."));

        assertThatThrownBy(() -> ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner)))
                .isInstanceOf(DockerException.class)
                .hasMessageContaining("cannot run the native-platform probe")
                .hasMessageContaining("OCI runtime create failed");
    }

    @Test
    void shouldKnowWhichPlatformsAMachineMightRunNatively() {
        assertThat(Toolchain.nativeCandidates("amd64")).containsExactly(Platform.AMD64, Platform.I386);
        assertThat(Toolchain.nativeCandidates("x86_64")).containsExactly(Platform.AMD64, Platform.I386);
        assertThat(Toolchain.nativeCandidates("arm64")).containsExactly(Platform.ARM64, Platform.ARM_V7, Platform.ARM_V6);
        assertThat(Toolchain.nativeCandidates("aarch64")).containsExactly(Platform.ARM64, Platform.ARM_V7, Platform.ARM_V6);
        assertThat(Toolchain.nativeCandidates("s390x")).containsExactly(Platform.S390X);
        assertThat(Toolchain.nativeCandidates("riscv64")).containsExactly(Platform.RISCV64);
        assertThat(Toolchain.nativeCandidates("ppc64le")).containsExactly(Platform.PPC64LE);
        assertThat(Toolchain.nativeCandidates("sparc64")).isEmpty();
        assertThat(Toolchain.nativeCandidates("")).isEmpty();
    }

    @Test
    void shouldKnowADriverThatPushesByDigest() {
        Toolchain t = new Toolchain("27.0.0", "27.0.0", "0.17.1", "multiarch", "docker-container", "arm64",
                java.util.Set.of(Platform.ARM64), false, true);

        assertThat(t.describe()).isEqualTo("docker 27.0.0 (daemon 27.0.0, arm64), buildx 0.17.1, "
                + "builder 'multiarch' (driver docker-container, pushes by digest), runs natively: linux/arm64");
    }

    @Test
    void shouldCompareBuildxVersionsAsDebianAndUpstreamSpellThem() {
        assertThat(ToolchainProbe.atLeast("0.13.1+ds1", 0, 10)).isTrue();
        assertThat(ToolchainProbe.atLeast("0.10.0", 0, 10)).isTrue();
        assertThat(ToolchainProbe.atLeast("1.0.0", 0, 10)).isTrue();
        assertThat(ToolchainProbe.atLeast("0.9.1", 0, 10)).isFalse();
        assertThat(ToolchainProbe.atLeast("0.8.2-docker", 0, 10)).isFalse();
    }
}
