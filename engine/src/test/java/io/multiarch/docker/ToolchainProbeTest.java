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

    @Test
    void shouldProbeTheRealToolchain() throws Exception {
        // Given a docker that answers as the real one did
        ScriptedRunner runner = new ScriptedRunner()
                .on(List.of("version", "--format"), c -> ok(resource("docker-version.json")))
                .on(List.of("info", "--format"), c -> ok(resource("docker-info.json")))
                .on(List.of("buildx", "version"), c -> ok(resource("buildx-version.txt")))
                .on(List.of("buildx", "inspect"), c -> ok(resource("buildx-inspect.txt")));
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
        assertThat(toolchain.describe()).isEqualTo("docker 26.1.5+dfsg1 (daemon 26.1.5+dfsg1, amd64, containerd image store), "
                + "buildx 0.13.1+ds1, builder 'default' (driver docker, pushes temporary tags)");
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
                .on(List.of("buildx", "inspect"), c -> ok(resource("buildx-inspect.txt")));

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
    void shouldSayWhenBuildxIsMissing() {
        ScriptedRunner runner = new ScriptedRunner()
                .on(List.of("version", "--format"), c -> ok(resource("docker-version.json")))
                .on(List.of("info", "--format"), c -> ok(resource("docker-info.json")))
                .on(List.of("buildx", "version"), c -> fail(1, "docker: 'buildx' is not a docker command.\nSee 'docker --help'"));

        assertThatThrownBy(() -> ToolchainProbe.probe(new DockerCli("docker", Map.of(), runner)))
                .isInstanceOf(DockerException.class)
                .hasMessageContaining("'buildx' is not a docker command");
    }

    @Test
    void shouldKnowWhichPlatformsAMachineRunsNatively() {
        assertThat(Toolchain.nativeFor("amd64")).containsExactlyInAnyOrder(Platform.AMD64, Platform.I386);
        assertThat(Toolchain.nativeFor("x86_64")).containsExactlyInAnyOrder(Platform.AMD64, Platform.I386);
        assertThat(Toolchain.nativeFor("arm64")).containsExactly(Platform.ARM64);
        assertThat(Toolchain.nativeFor("aarch64")).containsExactly(Platform.ARM64);
        assertThat(Toolchain.nativeFor("s390x")).containsExactly(Platform.S390X);
        assertThat(Toolchain.nativeFor("riscv64")).containsExactly(Platform.RISCV64);
        assertThat(Toolchain.nativeFor("ppc64le")).containsExactly(Platform.PPC64LE);
        assertThat(Toolchain.nativeFor("sparc64")).isEmpty();
        assertThat(Toolchain.nativeFor("")).isEmpty();
    }

    @Test
    void shouldKnowADriverThatPushesByDigest() {
        Toolchain t = new Toolchain("27.0.0", "27.0.0", "0.17.1", "multiarch", "docker-container", "arm64",
                Toolchain.nativeFor("arm64"), false, true);

        assertThat(t.describe()).isEqualTo("docker 27.0.0 (daemon 27.0.0, arm64), buildx 0.17.1, "
                + "builder 'multiarch' (driver docker-container, pushes by digest)");
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
