package io.multiarch.cli;

import io.multiarch.cli.InProcessCli.Run;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Variants on the real toolchain: the bundled example's Debian and Alpine variants, on the bases that can be made
 * here (the Debian stand-in that scripts/toolchain.sh builds from Debian's packages, and the busybox base for
 * Alpine), in one call; each variant gated and published under its own tags, one variant's failure leaving the
 * other's publish alone, unless all or nothing is asked for.
 */
class VariantsIT {
    private static final Path EXAMPLE = Path.of("..", "examples", "hello").toAbsolutePath().normalize();
    private static final String DEBIAN_BASE = RegistryClient.HOST + "/library/debian-base:bookworm";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** The test of both variants: the architecture, then the base the image was built on. */
    private static final String TEST = "arch-test && cat /etc/hello/base";

    private final RegistryClient registry = new RegistryClient();

    @TempDir
    Path work;

    private int runs;

    @BeforeAll
    static void debianBaseIsThere() throws Exception {
        Process p = new ProcessBuilder("docker", "buildx", "imagetools", "inspect", "--raw", DEBIAN_BASE).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s (run scripts/toolchain.sh debian-base first): %s", DEBIAN_BASE, out).isZero();
    }

    /** The example's variants with the bases of these machines, the Debian one narrowed to {@code debianPlatforms}. */
    private Path variants(List<String> debianPlatforms) throws IOException {
        String platforms = debianPlatforms.isEmpty() ? "" : ", \"platforms\": [\"" + String.join("\", \"", debianPlatforms) + "\"]";
        return Files.writeString(work.resolve("variants-" + (runs + 1) + ".json"), """
                {"variants": [
                  {"name": "debian", "tagSuffix": "-debian", "dockerfile": "Dockerfile.debian",
                   "buildArgs": {"BASE": "%s"}%s},
                  {"name": "alpine", "tagSuffix": "-alpine", "dockerfile": "Dockerfile.alpine", "buildArgs": {"BASE": "busybox"}}
                ]}
                """.formatted(DEBIAN_BASE, platforms));
    }

    @Test
    void shouldBuildTwoVariantsOneNarrowedTestEachInEveryArchitectureAndPublishEachUnderItsSuffix() throws Exception {
        // Given four platforms, Debian narrowed to three of them (say its base lacks riscv64)
        String repo = "it/variants-" + RUN;

        // When
        Run run = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64,linux/arm/v7,linux/riscv64",
                "--variants", variants(List.of("linux/amd64", "linux/arm64", "linux/arm/v7")).toString(), "--test", TEST);

        // Then each variant's tag lists exactly its platforms
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(registry.platforms(repo, "v1-debian")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64", "linux/arm/v7");
        assertThat(registry.platforms(repo, "v1-alpine"))
                .containsExactlyInAnyOrder("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/riscv64");
        assertThat(registry.digest(repo, "v1")).as("no tag without a suffix").isEmpty();
        // and each test ran in its architecture on its own base
        JsonNode report = run.report();
        assertThat(report.path("published").asBoolean()).isTrue();
        assertThat(report.path("variants")).hasSize(2);
        JsonNode debian = report.path("variants").get(0);
        assertThat(debian.path("variant").asText()).isEqualTo("debian");
        assertThat(debian.path("tags").get(0).asText()).isEqualTo("v1-debian");
        assertThat(debian.path("platforms")).hasSize(3);
        for (JsonNode p : debian.path("platforms")) {
            String output = p.path("test").path("output").asText();
            assertThat(output).as(p.path("platform").asText()).contains(p.path("platform").asText()).contains("debian 12.");
        }
        JsonNode alpine = report.path("variants").get(1);
        assertThat(alpine.path("platforms")).hasSize(4);
        for (JsonNode p : alpine.path("platforms")) {
            assertThat(p.path("test").path("output").asText()).as(p.path("platform").asText())
                    .contains(p.path("platform").asText()).contains("busybox");
        }
        // reports grouped by variant
        assertThat(Files.readString(run.reportDir().resolve("junit/TEST-multiarch-debian-linux-arm-v7.xml")))
                .contains("name=\"multiarch.debian.linux/arm/v7\"");
        assertThat(run.reportDir().resolve("junit/TEST-multiarch-alpine-linux-riscv64.xml")).exists();
        assertThat(run.reportDir().resolve("junit/TEST-multiarch-debian-linux-riscv64.xml")).doesNotExist();
        assertThat(Files.readString(run.reportDir().resolve("report.html")))
                .contains("<h2 id=\"variant-debian\">Variant <code>debian</code></h2>", "<h2 id=\"variant-alpine\">");
        assertThat(run.stdout()).contains("== variant debian (tags v1-debian)", "  debian: published sha256:",
                "  alpine: published sha256:");
        // each variant keeps its own registry cache
        assertThat(registry.tags(repo)).anyMatch(t -> t.startsWith("multiarch-cache-debian-set-"))
                .anyMatch(t -> t.startsWith("multiarch-cache-alpine-set-"));
    }

    @Test
    void shouldPublishTheVariantThatPassedAndLeaveTheOtherOnesTagsAlone() throws Exception {
        // Given the Debian variant's test fails on arm/v7, and both variants' tags exist from an earlier run
        String repo = "it/variants-gate-" + RUN;
        String image = RegistryClient.HOST + "/" + repo;
        String platforms = "linux/amd64,linux/arm/v7";
        Run first = cli("build", EXAMPLE.toString(), "--image", image, "--tag", "v1", "--platforms", platforms,
                "--variants", variants(List.of()).toString(), "--test", TEST, "--build-arg", "GREETING=first");
        assertThat(first.exit()).as(first.output()).isZero();
        String debianBefore = registry.digest(repo, "v1-debian").orElseThrow();
        String alpineBefore = registry.digest(repo, "v1-alpine").orElseThrow();
        String failsOnDebianArmV7 = TEST + " && ! { [ -f /etc/debian_version ] && [ \"$MULTIARCH_VARIANT\" = v7 ]; }";

        // When
        Run second = cli("build", EXAMPLE.toString(), "--image", image, "--tag", "v1", "--platforms", platforms,
                "--variants", variants(List.of()).toString(), "--test", failsOnDebianArmV7, "--build-arg", "GREETING=second");

        // Then Debian is withheld (its tag as it was), Alpine is published, and the exit code says not everything was
        assertThat(second.exit()).as(second.output()).isEqualTo(1);
        assertThat(registry.digest(repo, "v1-debian")).contains(debianBefore);
        assertThat(registry.digest(repo, "v1-alpine")).isPresent().isNotEqualTo(java.util.Optional.of(alpineBefore));
        JsonNode report = second.report();
        assertThat(report.path("published").asBoolean()).isFalse();
        assertThat(report.path("variants").get(0).path("published").asBoolean()).isFalse();
        assertThat(report.path("variants").get(0).path("publishMessage").asText()).contains("linux/arm/v7");
        assertThat(report.path("variants").get(1).path("published").asBoolean()).isTrue();

        // When the same is asked all or nothing
        Run third = cli("build", EXAMPLE.toString(), "--image", image, "--tag", "v1", "--platforms", platforms,
                "--variants", variants(List.of()).toString(), "--test", failsOnDebianArmV7, "--build-arg", "GREETING=third",
                "--all-or-nothing");

        // Then neither moves
        assertThat(third.exit()).as(third.output()).isEqualTo(1);
        String alpineAfterSecond = registry.digest(repo, "v1-alpine").orElseThrow();
        assertThat(registry.digest(repo, "v1-debian")).contains(debianBefore);
        assertThat(registry.digest(repo, "v1-alpine")).contains(alpineAfterSecond);
        JsonNode alpine = third.report().path("variants").get(1);
        assertThat(alpine.path("published").asBoolean()).isFalse();
        assertThat(alpine.path("publishMessage").asText()).startsWith("all or nothing: not published because variant(s) debian did not pass");
        assertThat(third.report().path("allOrNothing").asBoolean()).isTrue();
        // the alpine images of the third run were built and tested all the same
        for (JsonNode p : alpine.path("platforms")) {
            assertThat(p.path("status").asText()).isEqualTo("passed");
        }
    }

    private Run cli(String... args) {
        return InProcessCli.run(work.resolve("report-" + (++runs)), args);
    }
}
