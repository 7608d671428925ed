package io.multiarch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the real toolchain, the CLI as its own process: a run starts its build on the toolchain an earlier run probed,
 * probes it again beside the build, and publishes only when the two agree; when they do not, it publishes nothing
 * of that build and builds again on the toolchain as probed now.
 */
class RememberedToolchainIT {
    private static final Path EXAMPLE = Path.of("..", "examples", "hello").toAbsolutePath().normalize();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path work;

    private final RegistryClient registry = new RegistryClient();

    private CliProcess run(String dir, Map<String, String> env, String... args) throws Exception {
        CliProcess p = CliProcess.build(work.resolve(dir), false, env, args);
        assertThat(p.waitFor(Duration.ofMinutes(5))).as(p.output()).isZero();
        return p;
    }

    private static Map<String, double[]> phases(JsonNode report) {
        Map<String, double[]> phases = new HashMap<>();
        report.path("timeline").forEach(s -> phases.putIfAbsent(s.path("phase").asText(),
                new double[] {s.path("start").asDouble(), s.path("end").asDouble()}));
        return phases;
    }

    @Test
    void shouldBuildBesideTheProbeAndBuildAgainWhenTheToolchainIsNotTheOneRemembered() throws Exception {
        // Given an empty cache: the first run probes before it builds, and keeps what it found
        Map<String, String> env = Map.of("XDG_CACHE_HOME", work.resolve("cache").toString());
        String repo = "it/remembered-" + RUN;
        String[] args = {EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64", "--test", "arch-test", "--timeline"};
        CliProcess first = run("first", env, args);
        assertThat(first.output()).contains("toolchain: docker ").doesNotContain("as probed before");
        assertThat(phases(first.report())).containsKey("toolchain probe").doesNotContainKey("toolchain probe (beside the build)");
        Path kept;
        try (Stream<Path> files = Files.list(work.resolve("cache/multiarch"))) {
            kept = files.filter(f -> f.getFileName().toString().startsWith("toolchain-")).findFirst().orElseThrow();
        }

        // When the second run starts
        CliProcess second = run("second", env, args);

        // Then its build started before its probe ended, the publish waited for the probe, and it published
        Map<String, double[]> phases = phases(second.report());
        assertThat(second.output()).contains("toolchain (as probed before; probed again beside the build");
        assertThat(phases.get("batch 1: buildx build")[0]).isLessThan(phases.get("toolchain probe (beside the build)")[1]);
        assertThat(phases.get("publish")[0]).isGreaterThanOrEqualTo(phases.get("toolchain probe (beside the build)")[1]);
        assertThat(second.report().path("published").asBoolean()).isTrue();
        assertThat(registry.digest(repo, "v1")).contains(second.report().path("indexDigest").asText());

        // Given a kept toolchain that is wrong: amd64 not native (so the run would wrongly check its emulator)
        String text = Files.readString(kept, StandardCharsets.UTF_8);
        assertThat(text).contains("nativePlatforms=linux/amd64");
        Files.writeString(kept, text.replace("nativePlatforms=linux/amd64", "nativePlatforms="), StandardCharsets.UTF_8);

        // When
        CliProcess third = run("third", env, args);

        // Then nothing of the first attempt was published: it built again on the toolchain as probed, which it kept
        assertThat(third.output()).contains("the toolchain is not the one this run started with")
                .contains("nothing was published; building again on it");
        JsonNode report = third.report();
        assertThat(report.path("published").asBoolean()).isTrue();
        assertThat(report.path("interrupted").asText()).isEmpty();
        for (JsonNode p : report.path("platforms")) {
            assertThat(p.path("emulated").asBoolean()).as(p.path("platform").asText())
                    .isEqualTo(!p.path("platform").asText().equals("linux/amd64"));
        }
        assertThat(registry.digest(repo, "v1")).contains(report.path("indexDigest").asText());
        assertThat(Files.readString(kept, StandardCharsets.UTF_8)).contains("nativePlatforms=linux/amd64");
        assertThat(List.of(third.runId())).isNotEmpty();
    }
}
