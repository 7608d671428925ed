package io.multiarch.build;

import io.multiarch.binfmt.BinfmtFixture;
import io.multiarch.docker.Toolchain;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.request.BinfmtMode;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.RawBuildInput;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.multiarch.build.FakeDocker.REPO;
import static io.multiarch.process.ScriptedRunner.argAfter;
import static io.multiarch.process.ScriptedRunner.fail;
import static io.multiarch.process.ScriptedRunner.ok;
import static io.multiarch.process.ScriptedRunner.timedOut;
import static org.assertj.core.api.Assertions.assertThat;

class PlatformBuildTest {
    private static final String RUN_ID = "20250101-120000-a1b2c3";
    private static final String PINNED = "tonistiigi/binfmt@sha256:" + "0123456789abcdef".repeat(4);

    @TempDir
    Path temp;

    private Path context;
    private BinfmtFixture binfmt;
    private final FakeDocker docker = new FakeDocker();

    @BeforeEach
    void setUp() throws IOException {
        context = Files.createDirectories(temp.resolve("context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\nRUN make\n");
        binfmt = BinfmtFixture.debianQemuUserStatic(temp);
    }

    private RawBuildInput request(Platform platform) {
        return new RawBuildInput().image(REPO).tags(List.of("1.0")).context(context.toString())
                .platforms(List.of(platform.toString(), "linux/amd64".equals(platform.toString()) ? "linux/arm64" : "linux/amd64"))
                .testShell("/bin/busybox uname -m");
    }

    private PlatformResult run(BuildRequest request, Platform platform, Toolchain toolchain) throws InterruptedException {
        RunPlan plan = RunPlan.of(request, toolchain.nativePlatforms(), RUN_ID);
        return new PlatformBuild(request, RUN_ID, plan.task(platform), docker.agent(toolchain, binfmt.path())).run();
    }

    private PlatformResult run(BuildRequest request, Platform platform) throws InterruptedException {
        return run(request, platform, FakeDocker.AMD64_DOCKER_DRIVER);
    }

    @Test
    void shouldBuildPushAndTestANativePlatform() throws Exception {
        // When
        PlatformResult r = run(request(Platform.AMD64).build(), Platform.AMD64);

        // Then
        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.passed()).isTrue();
        assertThat(r.platform()).isEqualTo(Platform.AMD64);
        assertThat(r.required()).isTrue();
        assertThat(r.emulated()).isFalse();
        assertThat(r.digest()).isEqualTo(FakeDocker.digestOf(Platform.AMD64));
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.sizeBytes()).isEqualTo(FakeDocker.sizeOf(Platform.AMD64));
        assertThat(r.agent()).isEqualTo("local");
        assertThat(r.tempTag()).isEqualTo("multiarch-tmp-" + RUN_ID + "-linux-amd64");
        assertThat(r.message()).isEmpty();
        assertThat(r.test()).hasValueSatisfying(t -> {
            assertThat(t.passed()).isTrue();
            assertThat(t.exitCode()).isZero();
            assertThat(t.command()).isEqualTo("/bin/busybox uname -m");
            assertThat(t.output()).contains("testing linux/amd64");
            assertThat(t.seconds()).isEqualTo(0.25);
        });
        assertThat(docker.runner.unexpected()).isEmpty();
    }

    @Test
    void shouldRunTheTestInTheImageItJustPushedByDigest() throws Exception {
        // When
        run(request(Platform.ARM64).build(), Platform.ARM64);

        // Then the build comes first; the size look-up (the manifest, the config, the tag's index) runs beside the
        // test; the test runs the pushed digest in that architecture; last, the image's temporary tag leaves the
        // local image store (the docker driver stored it there under that name), moved to its keeper first
        List<List<String>> argvs = docker.runner.argvs();
        assertThat(argvs).hasSize(7);
        assertThat(argvs.get(0)).startsWith("docker", "buildx", "build", "--platform", "linux/arm64");
        assertThat(argvs.subList(1, 5)).contains(List.of("docker", "buildx", "imagetools", "inspect", "--raw",
                REPO + "@" + FakeDocker.digestOf(Platform.ARM64)));
        assertThat(argvs.get(5)).containsExactly("docker", "tag", REPO + ":multiarch-tmp-" + RUN_ID + "-linux-arm64",
                REPO + ":multiarch-last-linux-arm64");
        assertThat(argvs.get(6)).containsExactly("docker", "image", "rm", REPO + ":multiarch-tmp-" + RUN_ID + "-linux-arm64");
        Command test = docker.runner.calls().stream().filter(c -> c.argv().get(1).equals("run")).findFirst().orElseThrow();
        assertThat(test.argv()).containsSubsequence("--platform", "linux/arm64")
                .contains(REPO + "@" + FakeDocker.digestOf(Platform.ARM64), "MULTIARCH_ARCH=arm64")
                .endsWith("-c", "/bin/busybox uname -m");
    }

    @Test
    void shouldCheckTheEmulatorOfAnEmulatedPlatform() throws Exception {
        PlatformResult r = run(request(Platform.ARM_V6).build(), Platform.ARM_V6);

        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.emulated()).isTrue();
        assertThat(r.binfmtSeconds()).isPositive();
        assertThat(docker.output).contains("emulator for linux/arm/v6: binfmt_misc entry 'qemu-arm' (enabled, F flag)");
    }

    @Test
    void shouldRetryAFailedEmulatedBuild() throws Exception {
        // Given two failures, then success
        docker.buildExits(Platform.RISCV64, 1, 1);

        // When
        PlatformResult r = run(request(Platform.RISCV64).emulatedRetries(2).build(), Platform.RISCV64);

        // Then
        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(docker.builds()).hasSize(3);
        assertThat(docker.output).contains("build failed (exit 1), retrying: attempt 2 of 3",
                "build failed (exit 1), retrying: attempt 3 of 3");
    }

    @Test
    void shouldFailAnEmulatedBuildAfterItsLastAttempt() throws Exception {
        docker.buildExits(Platform.S390X, 1, 1, 1, 1);

        PlatformResult r = run(request(Platform.S390X).emulatedRetries(2).build(), Platform.S390X);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(r.digest()).isEmpty();
        assertThat(r.tempTag()).isEmpty();
        assertThat(r.test()).isEmpty();
        assertThat(r.message()).contains("the build failed (exit 1, 3 attempts)").contains("ERROR: failed to solve: exit code: 1");
        assertThat(docker.builds()).hasSize(3);
        assertThat(docker.runner.callsWith("--entrypoint")).isEmpty();
    }

    @Test
    void shouldNotRetryAnEmulatedBuildWhoseDockerfileDoesNotParse() throws Exception {
        // Given an emulated platform with two retries, and a Dockerfile with a syntax error (before: built 3 times)
        docker.buildResult(Platform.S390X, fail(1, "#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s\n"
                + "ERROR: failed to solve: dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)\n"));

        // When
        PlatformResult r = run(request(Platform.S390X).emulatedRetries(2).build(), Platform.S390X);

        // Then it was built once, and the message says why not again
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(docker.builds()).hasSize(1);
        assertThat(r.message()).contains("the build failed (exit 1, 1 attempt)")
                .contains("not retried: the Dockerfile does not parse");
    }

    @Test
    void shouldNotRetryAnEmulatedBuildWhoseRegistryRefusesTheConnection() throws Exception {
        docker.buildResult(Platform.ARM64, fail(1, "ERROR: failed to solve: failed to push 127.0.0.1:5999/x:1: failed to do "
                + "request: Head \"https://127.0.0.1:5999/v2/x/blobs/sha256:4c\": dial tcp 127.0.0.1:5999: connect: connection refused\n"));

        PlatformResult r = run(request(Platform.ARM64).emulatedRetries(3).build(), Platform.ARM64);

        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.message()).contains("not retried: a registry refused the connection");
    }

    @Test
    void shouldNameTheSignalThatKilledTheTest() throws Exception {
        // Given a test that dies of SIGSEGV: docker's init exits with 128 + 11
        docker.testResult(Platform.ARM64, new io.multiarch.process.CommandResult(139, "", "", Duration.ofMillis(300), false));

        PlatformResult r = run(request(Platform.ARM64).build(), Platform.ARM64);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).isEqualTo("the test was killed by SIGSEGV (exit code 139)");
        assertThat(r.test()).hasValueSatisfying(t -> assertThat(t.signal()).hasValue("SIGSEGV"));
    }

    @Test
    void shouldRunTheTestUnderDockersInit() throws Exception {
        run(request(Platform.RISCV64).build(), Platform.RISCV64);

        assertThat(docker.runner.callsWith("--entrypoint")).singleElement()
                .satisfies(c -> assertThat(c.argv()).containsSubsequence("run", "--rm", "--init", "--name"));
    }

    @Test
    void shouldNotRetryANativeBuild() throws Exception {
        docker.buildExits(Platform.AMD64, 2);

        PlatformResult r = run(request(Platform.AMD64).emulatedRetries(5).build(), Platform.AMD64);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.message()).contains("(exit 2, 1 attempt)");
        assertThat(docker.builds()).hasSize(1);
    }

    @Test
    void shouldNotRetryABuildThatTimedOut() throws Exception {
        docker.buildResult(Platform.ARM64, timedOut());

        PlatformResult r = run(request(Platform.ARM64).emulatedRetries(3).platformTimeout(Duration.ofMinutes(15)).build(),
                Platform.ARM64);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.message()).isEqualTo("the build timed out after 15 min");
        assertThat(docker.builds()).singleElement().satisfies(c -> assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(15)));
    }

    @Test
    void shouldFailOnAFailedTestKeepingItsOutcomeAndTheDigest() throws Exception {
        // Given
        docker.testExit(Platform.ARM_V7, 3);

        // When
        PlatformResult r = run(request(Platform.ARM_V7).build(), Platform.ARM_V7);

        // Then
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).isEqualTo("the test failed with exit code 3");
        assertThat(r.digest()).isEqualTo(FakeDocker.digestOf(Platform.ARM_V7));
        assertThat(r.test()).hasValueSatisfying(t -> {
            assertThat(t.passed()).isFalse();
            assertThat(t.exitCode()).isEqualTo(3);
            assertThat(t.output()).contains("testing linux/arm/v7", "assertion failed on linux/arm/v7");
        });
    }

    @Test
    void shouldFailOnATestThatTimedOut() throws Exception {
        docker.testResult(Platform.AMD64, timedOut());

        PlatformResult r = run(request(Platform.AMD64).testTimeout(Duration.ofSeconds(45)).build(), Platform.AMD64);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).isEqualTo("the test timed out after 45 s");
        assertThat(r.test()).hasValueSatisfying(t -> {
            assertThat(t.timedOut()).isTrue();
            assertThat(t.exitCode()).isEqualTo(-1);
        });
        assertThat(docker.runner.callsWith("--entrypoint")).singleElement()
                .satisfies(c -> assertThat(c.onTimeout()).hasValueSatisfying(cleanup -> assertThat(cleanup)
                        .containsExactly("docker", "rm", "-f", "multiarch-test-" + RUN_ID + "-linux-amd64")));
    }

    @Test
    void shouldPassWithoutATest() throws Exception {
        PlatformResult r = run(request(Platform.AMD64).testShell(null).build(), Platform.AMD64);

        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.test()).isEmpty();
        assertThat(docker.runner.callsWith("--entrypoint")).isEmpty();
    }

    @Test
    void shouldFailADisabledEmulatorWithoutStartingABuild() throws Exception {
        // Given an administrator disabled the riscv64 emulator
        binfmt.disable("qemu-riscv64");

        // When, even in INSTALL mode
        PlatformResult r = run(request(Platform.RISCV64).binfmtMode(BinfmtMode.INSTALL).build(), Platform.RISCV64);

        // Then it is left alone, and nothing ran
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.attempts()).isZero();
        assertThat(r.message()).contains("'qemu-riscv64'").contains("disabled")
                .contains("echo 1 > /proc/sys/fs/binfmt_misc/qemu-riscv64");
        assertThat(docker.runner.calls()).isEmpty();
        assertThat(Files.readString(Path.of(binfmt.path(), "qemu-riscv64"))).startsWith("disabled");
    }

    @Test
    void shouldFailAMissingEmulatorUnderVerify() throws Exception {
        binfmt.remove("qemu-mips64");

        PlatformResult r = run(request(Platform.MIPS64).build(), Platform.MIPS64);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).contains("no QEMU emulator for linux/mips64").contains("update-binfmts --enable qemu-mips64");
        assertThat(docker.runner.calls()).isEmpty();
    }

    @Test
    void shouldFailAnEmulatorWithoutTheFixFlag() throws Exception {
        binfmt.flags("qemu-ppc64le", "P");

        PlatformResult r = run(request(Platform.PPC64LE).build(), Platform.PPC64LE);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).contains("lacks the F flag");
        assertThat(docker.runner.calls()).isEmpty();
    }

    @Test
    void shouldFailWhenBinfmtMiscIsNotMounted() throws Exception {
        binfmt.unmount();

        PlatformResult r = run(request(Platform.ARM64).build(), Platform.ARM64);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).contains("binfmt_misc is not mounted");
        assertThat(docker.runner.calls()).isEmpty();
    }

    @Test
    void shouldRegisterAMissingEmulatorWithTheHostsQemuUnderInstall() throws Exception {
        // Given no riscv64 emulator, and update-binfmts that registers Debian's entry
        binfmt.remove("qemu-riscv64");
        docker.runner.on(List.of("update-binfmts", "--enable", "qemu-riscv64"), c -> {
            binfmt.write("qemu-riscv64", BinfmtFixture.captured("qemu-riscv64"));
            return ok("");
        });

        // When
        PlatformResult r = run(request(Platform.RISCV64).binfmtMode(BinfmtMode.INSTALL).build(), Platform.RISCV64);

        // Then the emulator is registered first, then the build runs
        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(docker.runner.argvs().get(0)).containsExactly("update-binfmts", "--enable", "qemu-riscv64");
        assertThat(docker.runner.argvs().get(1)).startsWith("docker", "buildx", "build", "--platform", "linux/riscv64");
        assertThat(docker.output).anySatisfy(l -> assertThat(l)
                .isEqualTo("registering the QEMU emulator for linux/riscv64: update-binfmts --enable qemu-riscv64"));
    }

    @Test
    void shouldRegisterAMissingEmulatorWithThePinnedInstallerImage() throws Exception {
        binfmt.remove("qemu-riscv64");
        docker.runner.on(List.of("run", "--rm", "--privileged"), c -> {
            binfmt.write("qemu-riscv64", BinfmtFixture.captured("qemu-riscv64"));
            return ok("installing: riscv64 OK");
        });

        PlatformResult r = run(request(Platform.RISCV64).binfmtMode(BinfmtMode.INSTALL).binfmtInstaller(PINNED).build(),
                Platform.RISCV64);

        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(docker.runner.argvs().get(0))
                .containsExactly("docker", "run", "--rm", "--privileged", "--pull", "missing", PINNED, "--install", "riscv64");
    }

    @Test
    void shouldFailWhenRegisteringTheEmulatorFails() throws Exception {
        binfmt.remove("qemu-riscv64");
        docker.runner.on(List.of("update-binfmts"), c -> fail(2, "update-binfmts: unable to open /usr/share/binfmts/qemu-riscv64"));

        PlatformResult r = run(request(Platform.RISCV64).binfmtMode(BinfmtMode.INSTALL).build(), Platform.RISCV64);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).contains("registering the emulator for linux/riscv64 failed")
                .contains("unable to open /usr/share/binfmts/qemu-riscv64");
        assertThat(docker.builds()).isEmpty();
    }

    @Test
    void shouldFailWhenTheRegisteredEmulatorStillDoesNotShowUp() throws Exception {
        binfmt.remove("qemu-riscv64");
        docker.runner.on(List.of("update-binfmts"), c -> ok(""));

        PlatformResult r = run(request(Platform.RISCV64).binfmtMode(BinfmtMode.INSTALL).build(), Platform.RISCV64);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).contains("no QEMU emulator for linux/riscv64");
        assertThat(docker.builds()).isEmpty();
    }

    @Test
    void shouldSkipTheEmulatorCheckWhenBinfmtIsOff() throws Exception {
        binfmt.unmount();

        PlatformResult r = run(request(Platform.S390X).binfmtMode(BinfmtMode.OFF).build(), Platform.S390X);

        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.emulated()).isTrue();
    }

    @Test
    void shouldNotCheckEmulatorsOfNativePlatforms() throws Exception {
        binfmt.unmount();

        PlatformResult r = run(request(Platform.I386).build(), Platform.I386);

        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.emulated()).isFalse();
    }

    @Test
    void shouldPushByDigestWithoutATemporaryTagWhereTheDriverCan() throws Exception {
        PlatformResult r = run(request(Platform.AMD64).build(), Platform.AMD64, FakeDocker.AMD64_CONTAINER_DRIVER);

        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.tempTag()).isEmpty();
        assertThat(docker.builds()).singleElement().satisfies(c -> assertThat(c.argv())
                .contains("type=image,name=" + REPO + ",push-by-digest=true,name-canonical=true,push=true")
                .doesNotContain("--tag"));
    }

    @Test
    void shouldMeasureTheImageInsideAProvenanceIndex() throws Exception {
        // Given buildx pushes an index of the image and its attestation
        docker.withProvenance();

        // When
        PlatformResult r = run(request(Platform.ARM64).provenance(true).build(), Platform.ARM64);

        // Then the size is the image's, found through the index
        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.digest()).isNotEqualTo(FakeDocker.digestOf(Platform.ARM64));
        assertThat(r.sizeBytes()).isEqualTo(FakeDocker.sizeOf(Platform.ARM64));
        // the index, the image in it, its config, and the index the tag served before
        assertThat(docker.runner.callsWith("imagetools", "inspect")).hasSize(4);
    }

    @Test
    void shouldReportSizeZeroWhenTheRegistryCannotServeTheManifest() throws Exception {
        docker.runner.on(List.of("imagetools", "inspect"), c -> fail(1, "ERROR: unexpected status: 500 Internal Server Error"));

        PlatformResult r = run(request(Platform.AMD64).build(), Platform.AMD64);

        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.sizeBytes()).isZero();
        assertThat(docker.output).anySatisfy(l -> assertThat(l).startsWith("could not read the image size"));
    }

    @Test
    void shouldBuildWithoutCacheExportWhenTheDriverRefusesIt() throws Exception {
        // Given the docker driver without the containerd store, which refuses --cache-to
        docker.buildResult(Platform.AMD64, fail(1, "ERROR: Cache export is not supported for the docker driver.\n"
                + "Switch to a different driver, or turn on the containerd image store, and try again."));

        // When
        PlatformResult r = run(request(Platform.AMD64).build(), Platform.AMD64);

        // Then it builds again without exporting, and says so
        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(docker.builds()).hasSize(2);
        assertThat(docker.builds().get(0).argv()).contains("--cache-to");
        assertThat(docker.builds().get(1).argv()).doesNotContain("--cache-to").contains("--cache-from");
        assertThat(r.message()).contains("built without --cache-to");
    }

    @Test
    void shouldRemoveItsWorkDirectory() throws Exception {
        run(request(Platform.AMD64).build(), Platform.AMD64);

        String metadata = argAfter(docker.builds().get(0), "--metadata-file");
        assertThat(Path.of(metadata)).doesNotExist();
        assertThat(Path.of(metadata).getParent()).doesNotExist();
    }

    @Test
    void shouldFailAPlatformWhoseMetadataHasNoDigest() throws Exception {
        // Given a build that exits 0 but whose metadata file names no image digest
        docker.runner.on(List.of("buildx", "build"), c -> {
            Files.writeString(Path.of(argAfter(c, "--metadata-file")), "{\"buildx.build.ref\": \"default/default/x\"}");
            return ok("");
        });

        // When
        PlatformResult r = run(request(Platform.AMD64).build(), Platform.AMD64);

        // Then the platform fails with a result, as every platform failure does, instead of throwing
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).contains("containerimage.digest");
    }

    @Test
    void shouldFailAPlatformWhoseBuildCannotStart() throws Exception {
        docker.runner.on(List.of("buildx", "build"), c -> {
            throw new IOException("Cannot run program \"docker\": error=2, No such file or directory");
        });

        PlatformResult r = run(request(Platform.AMD64).build(), Platform.AMD64);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).contains("Cannot run program \"docker\"");
    }

    @Test
    void shouldPlanTheCommandsOfADryRun() throws Exception {
        BuildRequest request = request(Platform.ARM_V7).build();
        RunPlan plan = RunPlan.of(request, FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(), RUN_ID);

        List<Command> planned = new PlatformBuild(request, RUN_ID, plan.task(Platform.ARM_V7),
                docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path())).plannedCommands("/tmp/metadata.json");

        assertThat(planned).hasSize(2);
        assertThat(planned.get(0).argv()).startsWith("docker", "buildx", "build", "--platform", "linux/arm/v7");
        assertThat(planned.get(1).argv()).startsWith("docker", "run").contains(REPO + "@sha256:<digest>");
        assertThat(docker.runner.calls()).isEmpty();
    }


    /** An index whose {@code platform} entry is an image of one layer of {@code layerBytes}, served under {@code tag}. */
    private void previousIndex(String tag, Platform platform, long layerBytes) {
        String image = """
                {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:%s", "size": 900},
                 "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:%s", "size": %d}]}
                """.formatted("c".repeat(64), "d".repeat(64), layerBytes);
        docker.serveTag("old-image-" + platform.slug(), image);
        docker.serveTag(tag, """
                {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
                  {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s", "size": 300, "platform": %s}]}
                """.formatted(io.multiarch.buildx.Manifest.digestOf(image), FakeDocker.platformJson(platform)));
    }

    @Test
    void shouldMeasureTheLayersNameTheBiggestAndCompareWithTheTagsPreviousIndex() throws Exception {
        // Given the tag 1.0 served an arm64 image 1000 bytes smaller
        previousIndex("1.0", Platform.ARM64, FakeDocker.sizeOf(Platform.ARM64) - 1000);

        // When
        PlatformResult r = run(request(Platform.ARM64).build(), Platform.ARM64);

        // Then
        io.multiarch.result.ImageSize size = r.size();
        assertThat(size.bytes()).isEqualTo(FakeDocker.sizeOf(Platform.ARM64));
        assertThat(size.previousTag()).isEqualTo("1.0");
        assertThat(size.previousBytes()).isEqualTo(FakeDocker.sizeOf(Platform.ARM64) - 1000);
        assertThat(size.change()).hasValue(1000);
        assertThat(size.biggestLayers()).singleElement().satisfies(l -> {
            assertThat(l.bytes()).isEqualTo(FakeDocker.sizeOf(Platform.ARM64));
            assertThat(l.createdBy()).isEqualTo(FakeDocker.stepOf(Platform.ARM64));
            assertThat(l.digest()).startsWith("sha256:");
        });
        assertThat(size.hasBudget()).isFalse();
        assertThat(docker.runner.unexpected()).isEmpty();
    }

    @Test
    void shouldCompareWithNothingForANewTagOrAPlatformTheIndexDidNotList() throws Exception {
        // Given the tag lists amd64 only
        previousIndex("1.0", Platform.AMD64, 5);

        // When
        PlatformResult arm64 = run(request(Platform.ARM64).build(), Platform.ARM64);
        PlatformResult newTag = run(request(Platform.ARM64).tags(List.of("2.0")).build(), Platform.ARM64);

        // Then
        assertThat(arm64.size().previousBytes()).isEqualTo(-1);
        assertThat(arm64.size().change()).isEmpty();
        assertThat(newTag.size().change()).isEmpty();
        assertThat(newTag.size().bytes()).isPositive();
    }

    @Test
    void shouldFailAPlatformOverItsSizeBudgetAndNameSizeAndBudget() throws Exception {
        // Given a budget 10 bytes under the image's size for arm64, and a generous one for the others
        long size = FakeDocker.sizeOf(Platform.ARM64);
        BuildRequest request = request(Platform.ARM64).sizeBudget("10MB").sizeBudget("linux/arm64=" + (size - 10)).build();

        // When
        PlatformResult r = run(request, Platform.ARM64);

        // Then the test passed, but the platform failed on its size
        assertThat(r.test()).hasValueSatisfying(t -> assertThat(t.passed()).isTrue());
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.size().budgetBytes()).isEqualTo(size - 10);
        assertThat(r.size().overBudget()).isTrue();
        assertThat(r.message()).startsWith("the image is 1.9 MiB compressed, over the size budget of 1.9 MiB by 10 B");
        assertThat(docker.output).anyMatch(l -> l.contains("over the size budget"));
    }

    @Test
    void shouldPassAPlatformWithinItsBudget() throws Exception {
        PlatformResult r = run(request(Platform.ARM64).sizeBudget("linux/arm64=" + FakeDocker.sizeOf(Platform.ARM64)).build(), Platform.ARM64);

        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.size().overBudget()).isFalse();
        assertThat(r.size().budgetBytes()).isEqualTo(FakeDocker.sizeOf(Platform.ARM64));
        assertThat(r.message()).isEmpty();
    }

    @Test
    void shouldOnlyWarnOverTheBudgetWhenAskedTo() throws Exception {
        PlatformResult r = run(request(Platform.ARM64).sizeBudget("1MB").sizeBudgetWarnOnly(true).build(), Platform.ARM64);

        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(r.size().overBudget()).isTrue();
        assertThat(r.message()).contains("over the size budget of 976.6 KiB").endsWith("(a warning only)");
    }

    @Test
    void shouldFailABudgetThatCannotBeCheckedAndKeepATestFailureFirst() throws Exception {
        // Given a registry that cannot serve the manifest, and a test that fails
        docker.runner.on(a -> a.contains("--raw") && a.get(a.size() - 1).contains("@"), c -> fail(1, "ERROR: unavailable"));
        docker.testExit(Platform.ARM64, 3);

        // When
        PlatformResult r = run(request(Platform.ARM64).sizeBudget("10MB").build(), Platform.ARM64);

        // Then
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.message()).startsWith("the test failed with exit code 3; the image size could not be read, so the "
                + "size budget of 9.5 MiB could not be checked");
    }
}
