package io.multiarch.cli;

import io.multiarch.cli.InProcessCli.Run;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on the real toolchain (Docker 26 with the containerd store, buildx, QEMU through binfmt_misc, the
 * local registry at 127.0.0.1:5000, all set up by scripts/toolchain.sh): the CLI builds the bundled example,
 * runs its architecture test in every image, publishes, and the registry is then read directly over HTTP.
 * Nothing here fakes docker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiArchBuildIT {
    private static final Path EXAMPLE = Path.of("..", "examples", "hello").toAbsolutePath().normalize();
    private static final String ALL_TEN = "linux/amd64,linux/386,linux/arm64,linux/arm/v7,linux/arm/v6,"
            + "linux/ppc64le,linux/s390x,linux/mips64,linux/mips64le,linux/riscv64";
    private static final String BINFMT = "/proc/sys/fs/binfmt_misc/";

    private final RegistryClient registry = new RegistryClient();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path work;

    @BeforeAll
    static void toolchainIsThere() throws Exception {
        assertThat(Files.isDirectory(EXAMPLE)).as("the bundled example at %s", EXAMPLE).isTrue();
        Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true).start();
        assertThat(p.waitFor()).as("docker info (run scripts/toolchain.sh first)").isZero();
    }

    @AfterAll
    static void restoreBinfmt() throws Exception {
        // whatever happened above, leave every emulator as CI found it
        setEntry("qemu-riscv64", "1");
        ensureRegistered("qemu-mips64");
    }

    @Test
    @Order(1)
    void shouldBuildTestAndPublishAllTenPlatformsAndTheRegistryListsExactlyThem() throws Exception {
        // Given the example and all ten platforms
        String repo = "it/hello-" + RUN;

        // When the CLI builds, tests in each architecture and publishes
        Run run = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1", "--tag", "latest",
                "--platforms", ALL_TEN, "--test", "arch-test");

        // Then it exits 0, both tags name one index listing exactly the ten platforms
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(registry.platforms(repo, "v1")).containsExactlyInAnyOrder(ALL_TEN.split(","));
        assertThat(registry.digest(repo, "latest")).isEqualTo(registry.digest(repo, "v1"));
        JsonNode report = run.report();
        assertThat(report.path("published").asBoolean()).isTrue();
        assertThat(report.path("indexDigest").asText()).isEqualTo(registry.digest(repo, "v1").orElseThrow());
        assertThat(report.path("platforms")).hasSize(10);
        for (JsonNode p : report.path("platforms")) {
            String platform = p.path("platform").asText();
            assertThat(p.path("status").asText()).as(platform).isEqualTo("passed");
            assertThat(p.path("test").path("exitCode").asInt()).as(platform).isZero();
            // the architecture test read the ELF header of the binary that ran and printed what it found
            assertThat(p.path("test").path("output").asText()).as(platform).contains(platform);
            // measured, not assumed: 386 runs under QEMU where a qemu-i386 entry is registered (binfmt_misc comes
            // before the kernel's own loader), which scripts/toolchain.sh does on kernels without 32-bit support
            boolean nativeHere = platform.equals("linux/amd64") || platform.equals("linux/386") && !qemuI386Registered();
            assertThat(p.path("emulated").asBoolean()).as(platform).isEqualTo(!nativeHere);
            assertThat(p.path("sizeBytes").asLong()).as(platform).isPositive();
            // and the registry's image config for that digest says the same architecture
            JsonNode config = registry.config(repo, p.path("digest").asText());
            String[] parts = platform.split("/");
            assertThat(config.path("architecture").asText()).as(platform).isEqualTo(parts[1]);
            if (parts.length == 3) {
                assertThat(config.path("variant").asText()).as(platform).isEqualTo(parts[2]);
            }
        }
        assertThat(Files.readString(run.reportDir().resolve("report.html"))).contains("linux/riscv64");
        assertThat(run.reportDir().resolve("junit/TEST-multiarch-linux-s390x.xml")).exists();
        // all ten were built in one buildx build: one temporary tag (an index of the ten) and one set cache
        assertThat(run.output()).contains("[batch 1] building linux/").contains(" in one buildx build");
        for (JsonNode p : report.path("platforms")) {
            // (after "1 push retry of batch 1; " when the registry's known fault made the batch push again)
            assertThat(p.path("message").asText()).as("%s; the run's output:%n%s", p.path("platform").asText(), run.output())
                    .contains("built in batch 1 with 9 other platforms");
            assertThat(p.path("pushSeconds").isNumber()).isTrue();
            assertThat(p.path("tempTag").asText()).endsWith("-batch1");
        }
        List<String> tags = registry.tags(repo);
        assertThat(tags).filteredOn(t -> t.startsWith("multiarch-tmp-")).hasSize(1);
        assertThat(tags).filteredOn(t -> t.startsWith("multiarch-cache-set-")).hasSize(1);
    }

    @Test
    @Order(2)
    void shouldPublishTheBatchsOwnIndexOverHttpReadEveryTagBackAndWriteTheTimeline() throws Exception {
        // Given three platforms and two tags, one of which serves an older index already
        String repo = "it/fast-" + RUN;
        Run first = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "latest",
                "--platforms", "linux/amd64,linux/arm64");
        assertThat(first.exit()).as(first.output()).isZero();
        String old = registry.digest(repo, "latest").orElseThrow();

        // When the CLI builds, tests and publishes with --timeline
        Run run = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1", "--tag", "latest",
                "--platforms", "linux/amd64,linux/arm64,linux/s390x", "--test", "arch-test", "--timeline");

        // Then both tags serve the very index the batch pushed (published as it is, not composed again)
        assertThat(run.exit()).as(run.output()).isZero();
        JsonNode report = run.report();
        String batchTag = report.path("platforms").get(0).path("tempTag").asText();
        assertThat(batchTag).endsWith("-batch1");
        String published = report.path("indexDigest").asText();
        assertThat(published).isEqualTo(registry.digest(repo, batchTag).orElseThrow()).isNotEqualTo(old);
        assertThat(registry.digest(repo, "v1")).contains(published);
        assertThat(registry.digest(repo, "latest")).contains(published);
        assertThat(registry.platforms(repo, "latest")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64", "linux/s390x");
        assertThat(report.path("tagStates")).extracting(t -> t.path("tag").asText() + " " + t.path("before").asText() + " -> "
                + t.path("after").asText()).containsExactly("v1  -> " + published, "latest " + old + " -> " + published);
        // through the registry's HTTP API, not imagetools (which it says when it falls back)
        assertThat(run.output()).doesNotContain("using docker buildx imagetools");
        // and the timeline says when each phase ran: the publish after the build, every tag read back after its move
        Map<String, double[]> phases = new java.util.HashMap<>();
        for (JsonNode span : report.path("timeline")) {
            assertThat(span.path("end").asDouble()).as(span.toString()).isGreaterThanOrEqualTo(span.path("start").asDouble());
            phases.putIfAbsent(span.path("phase").asText(), new double[] {span.path("start").asDouble(), span.path("end").asDouble()});
        }
        // (the probe runs before the build, or beside it when an earlier run's probe is remembered)
        assertThat(phases.keySet()).anyMatch(p -> p.startsWith("toolchain probe"));
        // (the index is read as soon as buildx reports it pushed; read again only if the build ends with another)
        assertThat(phases).containsKeys("jvm start (process start to main)", "batch 1: buildx build",
                "batch 1: read the pushed index, early", "linux/s390x: test", "publish", "publish: read every tag before",
                "publish: move v1", "publish: move latest", "publish: read back v1", "publish: read back latest");
        assertThat(phases.get("publish")[0]).isGreaterThanOrEqualTo(phases.get("batch 1: buildx build")[1]);
        assertThat(phases.get("publish")[0]).isGreaterThanOrEqualTo(phases.get("linux/s390x: test")[1]);
        for (String tag : List.of("v1", "latest")) {
            assertThat(phases.get("publish: read back " + tag)[0]).isGreaterThanOrEqualTo(phases.get("publish: move " + tag)[1]);
        }
        assertThat(phases.keySet()).anyMatch(p -> p.startsWith("batch 1: buildkit #") && p.contains("exporting to image"));
        assertThat(run.stdout()).contains("timeline (seconds from the start of the process)");
    }

    @Test
    @Order(8)
    void shouldBuildEachPlatformAloneAfterABatchFailsAndPublishWithoutTheOptionalOneThatBroke() throws Exception {
        // Given a Dockerfile whose RUN step fails on s390x only, which is optional
        Path context = Files.createDirectories(work.resolve("breaks-on-s390x"));
        Files.writeString(context.resolve("Dockerfile"), """
                FROM busybox
                ARG TARGETARCH
                RUN [ "$TARGETARCH" != s390x ] || { echo "no s390x support" >&2; exit 3; }
                RUN uname -m > /machine
                """);
        String repo = "it/fallback-" + RUN;

        // When
        Run run = cli("build", context.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64,linux/s390x", "--optional-platform", "linux/s390x",
                "--test", "cat /machine", "--retries", "0");

        // Then the batch failed, each platform was built alone, and the index lists the two that built
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("the batched build failed (exit 1)", "building each of its platforms on its own");
        assertThat(registry.platforms(repo, "v1")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        JsonNode s390x = platform(run.report(), "linux/s390x");
        assertThat(s390x.path("status").asText()).isEqualTo("failed");
        assertThat(s390x.path("message").asText()).contains("the build failed").contains("built on its own after batch 1 failed");
        JsonNode arm64 = platform(run.report(), "linux/arm64");
        assertThat(arm64.path("test").path("output").asText()).contains("aarch64");
        assertThat(arm64.path("tempTag").asText()).endsWith("-linux-arm64");
    }

    @Test
    @Order(9)
    void shouldBuildEachPlatformInItsOwnBuildWithNoBatch() throws Exception {
        String repo = "it/nobatch-" + RUN;

        Run run = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64,linux/riscv64", "--test", "arch-test", "--no-batch");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).doesNotContain("[batch ").contains("builds and tests at most");
        assertThat(registry.platforms(repo, "v1")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64", "linux/riscv64");
        assertThat(registry.tags(repo)).filteredOn(t -> t.startsWith("multiarch-tmp-")).hasSize(3);
        assertThat(registry.tags(repo)).contains("multiarch-cache-linux-amd64", "multiarch-cache-linux-arm64",
                "multiarch-cache-linux-riscv64");
    }

    @Test
    @Order(2)
    void shouldLeaveTheTagAbsentWhenARequiredPlatformFailsItsTest() throws Exception {
        String repo = "it/absent-" + RUN;

        // the test fails on riscv64 only (a wrong expectation there), which is required
        Run run = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64,linux/riscv64",
                "--test", "if [ \"$MULTIARCH_ARCH\" = riscv64 ]; then MULTIARCH_PLATFORM=linux/arm64 arch-test; else arch-test; fi");

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(registry.digest(repo, "v1")).isEmpty();
        JsonNode riscv = platform(run.report(), "linux/riscv64");
        assertThat(riscv.path("status").asText()).isEqualTo("failed");
        assertThat(riscv.path("test").path("exitCode").asInt()).isNotZero();
        assertThat(run.report().path("published").asBoolean()).isFalse();
        assertThat(platform(run.report(), "linux/arm64").path("status").asText()).isEqualTo("passed");
    }

    @Test
    @Order(3)
    void shouldKeepTheOldDigestOfAnExistingTagWhenARequiredPlatformFails() throws Exception {
        String repo = "it/keep-" + RUN;
        Run first = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "stable",
                "--platforms", "linux/amd64,linux/arm/v7", "--test", "arch-test", "--build-arg", "GREETING=first");
        assertThat(first.exit()).as(first.output()).isZero();
        String before = registry.digest(repo, "stable").orElseThrow();
        String firstAmd64 = platform(first.report(), "linux/amd64").path("digest").asText();

        // a changed image whose arm/v7 test fails
        Run second = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "stable",
                "--platforms", "linux/amd64,linux/arm/v7", "--build-arg", "GREETING=second",
                "--test", "[ \"$MULTIARCH_VARIANT\" != v7 ] && arch-test");

        assertThat(second.exit()).as(second.output()).isEqualTo(1);
        assertThat(registry.digest(repo, "stable")).contains(before);
        // the second run did build a different image (and pushed it under its temporary tag): only the tag stayed
        assertThat(platform(second.report(), "linux/amd64").path("digest").asText()).isNotEqualTo(firstAmd64);
    }

    @Test
    @Order(4)
    void shouldPublishWithoutAnOptionalPlatformThatFailedAndReportIt() throws Exception {
        String repo = "it/optional-" + RUN;

        Run run = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64,linux/s390x", "--optional-platform", "linux/s390x",
                "--test", "[ \"$MULTIARCH_ARCH\" != s390x ] && arch-test");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(registry.platforms(repo, "v1")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        JsonNode s390x = platform(run.report(), "linux/s390x");
        assertThat(s390x.path("status").asText()).isEqualTo("failed");
        assertThat(s390x.path("required").asBoolean()).isFalse();
        assertThat(run.report().path("published").asBoolean()).isTrue();
    }

    @Test
    @Order(5)
    void shouldPublishWithProvenanceAndCheckTheIndexWithoutItsAttestations() throws Exception {
        String repo = "it/provenance-" + RUN;

        Run run = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/ppc64le", "--provenance", "--test", "arch-test");

        assertThat(run.exit()).as(run.output()).isZero();
        // the registry's index holds the two images and an attestation manifest for each
        JsonNode index = registry.manifest(repo, "v1");
        List<String> kinds = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            kinds.add(m.path("platform").path("os").asText() + "/" + m.path("platform").path("architecture").asText());
        }
        assertThat(kinds).containsExactlyInAnyOrder("linux/amd64", "linux/ppc64le", "unknown/unknown", "unknown/unknown");
        assertThat(registry.platforms(repo, "v1")).containsExactlyInAnyOrder("linux/amd64", "linux/ppc64le");
        assertThat(run.report().path("listedPlatforms")).hasSize(2);
        assertThat(platform(run.report(), "linux/ppc64le").path("sizeBytes").asLong()).isPositive();
    }

    @Test
    @Order(6)
    void shouldDetectADisabledEmulatorFailThatPlatformAndLeaveTheEntryAsItWas() throws Exception {
        String repo = "it/binfmt-" + RUN;
        assertThat(Files.readString(Path.of(BINFMT + "qemu-riscv64"))).startsWith("enabled");
        setEntry("qemu-riscv64", "0");
        try {
            Run run = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                    "--platforms", "linux/amd64,linux/riscv64", "--test", "arch-test", "--binfmt", "install");

            assertThat(run.exit()).as(run.output()).isEqualTo(1);
            JsonNode riscv = platform(run.report(), "linux/riscv64");
            assertThat(riscv.path("status").asText()).isEqualTo("failed");
            assertThat(riscv.path("message").asText()).contains("qemu-riscv64").contains("disabled")
                    .contains("echo 1 > /proc/sys/fs/binfmt_misc/qemu-riscv64");
            assertThat(riscv.path("digest").asText()).as("no build was started").isEmpty();
            assertThat(registry.digest(repo, "v1")).isEmpty();
            // never reset or overwritten: still registered, still disabled
            assertThat(Files.readString(Path.of(BINFMT + "qemu-riscv64"))).startsWith("disabled");
        } finally {
            setEntry("qemu-riscv64", "1");
        }
        assertThat(Files.readString(Path.of(BINFMT + "qemu-riscv64"))).startsWith("enabled");
    }

    @Test
    @Order(7)
    void shouldRegisterAMissingEmulatorWithTheHostInstallerAndBuild() throws Exception {
        String repo = "it/install-" + RUN;
        Path entry = Path.of(BINFMT + "qemu-mips64");
        assertThat(entry).exists();
        setEntry("qemu-mips64", "-1"); // unregister: the platform now has no emulator at all
        try {
            assertThat(entry).doesNotExist();
            Run verify = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                    "--platforms", "linux/mips64", "--test", "arch-test", "--binfmt", "verify");
            assertThat(verify.exit()).as(verify.output()).isEqualTo(1);
            assertThat(platform(verify.report(), "linux/mips64").path("message").asText())
                    .contains("no QEMU emulator for linux/mips64 is registered");

            Run install = cli("build", EXAMPLE.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                    "--platforms", "linux/mips64", "--test", "arch-test", "--binfmt", "install");

            assertThat(install.exit()).as(install.output()).isZero();
            assertThat(install.output()).contains("update-binfmts --enable qemu-mips64");
            assertThat(Files.readString(entry)).startsWith("enabled").contains("flags: ").containsPattern("flags: \\w*F");
            assertThat(registry.platforms(repo, "v1")).containsExactly("linux/mips64");
        } finally {
            ensureRegistered("qemu-mips64");
        }
    }

    private static boolean qemuI386Registered() throws IOException {
        Path entry = Path.of(BINFMT + "qemu-i386");
        return Files.exists(entry) && Files.readString(entry).startsWith("enabled");
    }

    private static JsonNode platform(JsonNode report, String name) {
        for (JsonNode p : report.path("platforms")) {
            if (p.path("platform").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError(name + " not in report " + report);
    }

    private static void setEntry(String name, String value) throws IOException {
        Path p = Path.of(BINFMT + name);
        if (Files.exists(p)) {
            Files.writeString(p, value);
        }
    }

    private static void ensureRegistered(String name) throws Exception {
        if (!Files.exists(Path.of(BINFMT + name))) {
            new ProcessBuilder("update-binfmts", "--enable", name).inheritIO().start().waitFor();
        }
    }

    private int runs;

    private Run cli(String... args) {
        return InProcessCli.run(work.resolve("report-" + (++runs)), args);
    }
}
