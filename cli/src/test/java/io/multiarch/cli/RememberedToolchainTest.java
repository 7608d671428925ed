package io.multiarch.cli;

import io.multiarch.docker.Toolchain;
import io.multiarch.platform.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The toolchain a run starts its builds on while it is probed again: what is kept, for what, and what counts as the same. */
class RememberedToolchainTest {
    @TempDir
    Path cache;

    private static final Toolchain PROBED = new Toolchain("28.2.2", "26.1.5", "0.13.1", "default", "docker", "amd64",
            Set.of(Platform.AMD64), true, false, "/usr/libexec/docker/cli-plugins/docker-buildx");

    private RememberedToolchain memory(Map<String, String> env, String boot) {
        java.util.Map<String, String> all = new java.util.HashMap<>(env);
        all.put("XDG_CACHE_HOME", cache.toString());
        return RememberedToolchain.of("docker", all, boot).orElseThrow();
    }

    @Test
    void shouldRecallTheToolchainForTheSameDockerEnvironmentAndBootOnly() {
        List<Platform> platforms = List.of(Platform.AMD64, Platform.ARM64);
        RememberedToolchain memory = memory(Map.of(), "boot-1");
        assertThat(memory.recall(platforms)).isEmpty();

        memory.remember(PROBED, platforms);

        assertThat(memory.recall(platforms)).contains(PROBED);
        assertThat(memory(Map.of(), "boot-2").recall(platforms)).isEmpty();
        assertThat(memory(Map.of("DOCKER_HOST", "tcp://other:2376"), "boot-1").recall(platforms)).isEmpty();
        assertThat(memory(Map.of("BUILDX_BUILDER", "remote"), "boot-1").recall(platforms)).isEmpty();
        assertThat(RememberedToolchain.of("docker", Map.of(), "")).isEmpty();
    }

    @Test
    void shouldNotRecallForAPlatformWhoseNativeMeasurementItLacks() {
        RememberedToolchain memory = memory(Map.of(), "boot-1");
        memory.remember(PROBED, List.of(Platform.AMD64, Platform.ARM64)); // 386 was not measured

        assertThat(memory.recall(List.of(Platform.I386, Platform.ARM64))).isEmpty();
        assertThat(memory.recall(List.of(Platform.S390X))).contains(PROBED);
    }

    @Test
    void shouldCountAToolchainAsTheSameOnlyWhenEverythingTheRunUsedIs() {
        List<Platform> platforms = List.of(Platform.AMD64, Platform.ARM64);
        assertThat(RememberedToolchain.sameFor(PROBED, PROBED, platforms)).isTrue();
        // a native platform the run does not build does not matter
        assertThat(RememberedToolchain.sameFor(PROBED, new Toolchain("28.2.2", "26.1.5", "0.13.1", "default", "docker", "amd64",
                Set.of(Platform.AMD64, Platform.I386), true, false, PROBED.buildxPath()), platforms)).isTrue();
        assertThat(RememberedToolchain.sameFor(PROBED, new Toolchain("28.2.2", "26.1.5", "0.13.1", "builder", "docker-container",
                "amd64", Set.of(Platform.AMD64), true, true), platforms)).isFalse();
        assertThat(RememberedToolchain.sameFor(PROBED, new Toolchain("28.2.2", "26.1.5", "0.13.1", "default", "docker", "amd64",
                Set.of(), true, false), platforms)).isFalse();
        assertThat(RememberedToolchain.sameFor(PROBED, new Toolchain("28.2.2", "27.0.0", "0.13.1", "default", "docker", "amd64",
                Set.of(Platform.AMD64), true, false, PROBED.buildxPath()), platforms)).isFalse();
        // the builds ran the buildx executable the docker CLI ran then: another one now is another toolchain
        assertThat(RememberedToolchain.sameFor(PROBED, new Toolchain("28.2.2", "26.1.5", "0.13.1", "default", "docker", "amd64",
                Set.of(Platform.AMD64), true, false, "/root/.docker/cli-plugins/docker-buildx"), platforms)).isFalse();
    }

    @Test
    void shouldKeepTheMeasurementsOfEarlierRunsOfTheSameToolchain() {
        RememberedToolchain memory = memory(Map.of(), "boot-1");
        Toolchain with386 = new Toolchain("28.2.2", "26.1.5", "0.13.1", "default", "docker", "amd64", Set.of(Platform.AMD64), true, false,
                PROBED.buildxPath());
        memory.remember(with386, List.of(Platform.AMD64, Platform.I386)); // 386 measured: emulated
        memory.remember(PROBED, List.of(Platform.AMD64)); // a later run of amd64 only

        assertThat(memory.recall(List.of(Platform.AMD64, Platform.I386))).contains(PROBED);

        // another toolchain starts over
        memory.remember(new Toolchain("28.2.2", "27.0.0", "0.13.1", "default", "docker", "amd64", Set.of(Platform.AMD64), true, false),
                List.of(Platform.AMD64));
        assertThat(memory.recall(List.of(Platform.AMD64, Platform.I386))).isEmpty();
    }

    @Test
    void shouldForget() {
        RememberedToolchain memory = memory(Map.of(), "boot-1");
        memory.remember(PROBED, List.of(Platform.AMD64));
        memory.forget();
        assertThat(memory.recall(List.of(Platform.AMD64))).isEmpty();
    }
}
