package io.multiarch.cli;

import io.multiarch.cli.InProcessCli.Run;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Image size on the real toolchain: the size each platform reports is the sum of the layers its manifest lists in
 * the registry (read over HTTP here), the change is against the tag's previous index, the biggest layer is named by
 * its build step, and a size budget passes, fails (the tag stays where it was) or only warns.
 */
class SizeIT {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private final RegistryClient registry = new RegistryClient();

    @TempDir
    Path work;

    private int runs;

    @Test
    void shouldMeasureCompareAndBudgetTheSizeOfEveryPlatform() throws Exception {
        // Given an image whose last layer is PAD_KB KiB of random bytes (which gzip cannot shrink); the seed makes the
        // step this test's own, so a cache of an earlier run does not answer it
        Path context = Files.createDirectories(work.resolve("ctx"));
        Files.writeString(context.resolve("Dockerfile"), """
                FROM busybox
                ARG PAD_KB=1
                ARG SEED
                RUN echo "$SEED" > /seed && head -c $((PAD_KB * 1024)) /dev/urandom > /pad
                """);
        String repo = "it/size-" + RUN;
        String image = RegistryClient.HOST + "/" + repo;
        String seed = UUID.randomUUID().toString();

        // When a small image goes out within a budget of 3 MB for every platform
        Run small = cli("build", context.toString(), "--image", image, "--tag", "v1", "--platforms", "linux/amd64,linux/arm64",
                "--build-arg", "PAD_KB=1", "--build-arg", "SEED=" + seed, "--size-budget", "3MB");

        // Then it is published; each size is the sum of the layers the registry lists, nothing to compare with yet
        assertThat(small.exit()).as(small.output()).isZero();
        String v1 = registry.digest(repo, "v1").orElseThrow();
        for (JsonNode p : small.report().path("platforms")) {
            String platform = p.path("platform").asText();
            long layers = layerSum(repo, p.path("digest").asText());
            assertThat(p.path("sizeBytes").asLong()).as(platform).isEqualTo(layers).isGreaterThan(500_000);
            JsonNode size = p.path("size");
            assertThat(size.path("bytes").asLong()).isEqualTo(layers);
            assertThat(size.path("previousBytes").isNull()).as(platform + ": v1 did not exist").isTrue();
            assertThat(size.path("budgetBytes").asLong()).isEqualTo(3_000_000);
            assertThat(size.path("overBudget").asBoolean()).isFalse();
            // the biggest layer is busybox's, made by the base image's COPY
            assertThat(size.path("biggestLayers").get(0).path("createdBy").asText()).as(platform).startsWith("COPY rootfs/");
            assertThat(size.path("biggestLayers").findValuesAsText("createdBy")).as(platform)
                    .anyMatch(s -> s.startsWith("RUN ") && s.contains("/dev/urandom"));
        }
        assertThat(small.stdout()).contains("size budget linux/arm64: ").contains(" of 2.9 MiB, within");

        // When a bigger image (600 KiB more) is built against a budget of 1.5 MB, 3 MB for amd64
        Run big = cli("build", context.toString(), "--image", image, "--tag", "v1", "--platforms", "linux/amd64,linux/arm64",
                "--build-arg", "PAD_KB=600", "--build-arg", "SEED=" + seed,
                "--size-budget", "1.5MB", "--size-budget", "linux/amd64=3MB");

        // Then arm64 is over its budget and fails, amd64 passes, nothing is published, v1 stays where it was, and
        // each size's change against v1 is what the registry's layers say
        assertThat(big.exit()).as(big.output()).isEqualTo(1);
        assertThat(registry.digest(repo, "v1")).contains(v1);
        JsonNode arm64 = platform(big.report(), "linux/arm64");
        assertThat(arm64.path("status").asText()).isEqualTo("failed");
        assertThat(arm64.path("size").path("overBudget").asBoolean()).isTrue();
        assertThat(arm64.path("message").asText()).startsWith("the image is 1.6 MiB compressed, over the size budget of 1.4 MiB by ");
        assertThat(arm64.path("test").isNull()).isTrue();
        JsonNode amd64 = platform(big.report(), "linux/amd64");
        assertThat(amd64.path("status").asText()).isEqualTo("passed");
        for (JsonNode p : List.of(amd64, arm64)) {
            String platform = p.path("platform").asText();
            long before = layerSum(repo, platform(small.report(), platform).path("digest").asText());
            long now = layerSum(repo, p.path("digest").asText());
            assertThat(p.path("size").path("previousTag").asText()).isEqualTo("v1");
            assertThat(p.path("size").path("previousBytes").asLong()).as(platform).isEqualTo(before);
            assertThat(p.path("size").path("changeBytes").asLong()).as(platform).isEqualTo(now - before).isBetween(590_000L, 640_000L);
        }
        assertThat(big.stdout()).contains("size budget linux/arm64: 1.6 MiB of 1.4 MiB, OVER: failed")
                .contains("not published");
        assertThat(Files.readString(big.reportDir().resolve("report.html"))).contains("over: failed");
        assertThat(Files.readString(big.reportDir().resolve("junit/TEST-multiarch-linux-arm64.xml")))
                .contains("<testcase classname=\"multiarch.linux/arm64\" name=\"size\"").contains("type=\"size-budget\"");

        // When the same build only warns over the budget
        Run warned = cli("build", context.toString(), "--image", image, "--tag", "v1", "--platforms", "linux/amd64,linux/arm64",
                "--build-arg", "PAD_KB=600", "--build-arg", "SEED=" + seed, "--size-budget", "1.5MB", "--size-budget-warn");

        // Then it is published, arm64 passed with the warning
        assertThat(warned.exit()).as(warned.output()).isZero();
        assertThat(registry.digest(repo, "v1")).isNotEqualTo(java.util.Optional.of(v1));
        JsonNode warnedArm64 = platform(warned.report(), "linux/arm64");
        assertThat(warnedArm64.path("status").asText()).isEqualTo("passed");
        assertThat(warnedArm64.path("message").asText()).contains("over the size budget of 1.4 MiB").contains("(a warning only)");
        assertThat(warned.stdout()).contains("size budget linux/arm64: 1.6 MiB of 1.4 MiB, OVER (a warning only)");
    }

    /** The sum of the layer sizes of a manifest, as the registry serves it. */
    private long layerSum(String repo, String digest) throws IOException, InterruptedException {
        long sum = 0;
        for (JsonNode l : registry.manifest(repo, digest).path("layers")) {
            sum += l.path("size").asLong();
        }
        return sum;
    }

    private static JsonNode platform(JsonNode report, String platform) {
        for (JsonNode p : report.path("platforms")) {
            if (p.path("platform").asText().equals(platform)) {
                return p;
            }
        }
        throw new AssertionError("no " + platform + " in " + report);
    }

    private Run cli(String... args) {
        return InProcessCli.run(work.resolve("report-" + (++runs)), args);
    }
}
