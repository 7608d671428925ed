package io.multiarch.build;

import io.multiarch.binfmt.BinfmtFixture;
import io.multiarch.buildx.Manifest;
import io.multiarch.docker.Toolchain;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.ExecutionOptions;
import io.multiarch.request.RawBuildInput;
import io.multiarch.request.ValidatedInput;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.RunResult;
import io.multiarch.result.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.multiarch.build.FakeDocker.REPO;
import static io.multiarch.process.ScriptedRunner.argAfter;
import static io.multiarch.process.ScriptedRunner.fail;
import static io.multiarch.process.ScriptedRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MultiArchBuildTest {
    private static final String RUN_ID = "20250101-120000-a1b2c3";
    private static final List<String> FOUR = List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/riscv64");

    @TempDir
    Path temp;

    private Path context;
    private BinfmtFixture binfmt;
    private final FakeDocker docker = new FakeDocker();

    @BeforeEach
    void setUp() throws IOException {
        context = Files.createDirectories(temp.resolve("context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\n");
        binfmt = BinfmtFixture.debianQemuUserStatic(temp);
    }

    /** How {@link #request}'s runs execute unless a test says otherwise: four platforms at once, batched. */
    private static final ExecutionOptions FOUR_AT_ONCE = new ExecutionOptions(4, true);

    private RawBuildInput request(List<String> platforms) {
        return new RawBuildInput().image(REPO).tags(List.of("1.0", "latest")).context(context.toString())
                .platforms(platforms).testShell("/bin/busybox true").concurrency(4);
    }

    private RunResult run(RawBuildInput input) throws InterruptedException {
        ValidatedInput valid = input.validate();
        RunPlan plan = RunPlan.of(valid.request(), FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(), RUN_ID);
        AgentContext agent = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        return new MultiArchBuild(valid.request(), valid.execution(), plan, p -> agent, agent).run();
    }

    private static PlatformResult resultOf(RunResult run, Platform p) {
        return run.platforms().stream().filter(r -> r.platform().equals(p)).findFirst().orElseThrow();
    }

    @Test
    void shouldPublishOneIndexListingEveryPlatformUnderEveryTag() throws Exception {
        // When
        RunResult run = run(request(FOUR));

        // Then every platform passed, in the order asked
        assertThat(run.platforms()).extracting(PlatformResult::platform)
                .containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7, Platform.RISCV64);
        assertThat(run.platforms()).extracting(PlatformResult::status).containsOnly(Status.PASSED);
        assertThat(run.published()).isTrue();
        assertThat(run.blockers()).isEmpty();
        assertThat(run.runId()).isEqualTo(RUN_ID);
        assertThat(run.image()).isEqualTo(REPO);
        assertThat(run.tags()).containsExactly("1.0", "latest");

        // and what the registry serves under each tag is one index listing exactly those platforms: the batch's
        for (String tag : List.of("1.0", "latest")) {
            // read before and back by the publish; the first tag also once for the run, for every platform's size change
            assertThat(docker.runner.callsWith("--raw", REPO + ":" + tag)).as("read before and back " + tag)
                    .hasSize(tag.equals("1.0") ? 2 + 1 : 2);
            assertThat(Manifest.parse(docker.served(tag)).imageEntries()).extracting(d -> d.platform().toPlatform().orElseThrow())
                    .containsExactlyInAnyOrder(Platform.AMD64, Platform.ARM64, Platform.ARM_V7, Platform.RISCV64);
            assertThat(Manifest.digestOf(docker.served(tag))).isEqualTo(run.publish().indexDigest());
        }
        assertThat(run.publish().tagStates()).extracting(t -> t.tag() + " " + t.before() + " -> " + t.after())
                .containsExactly("1.0  -> " + run.publish().indexDigest(), "latest  -> " + run.publish().indexDigest());
        assertThat(run.publish().listed()).containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7, Platform.RISCV64);
        assertThat(run.publish().tags()).containsExactly("1.0", "latest");
        assertThat(run.publish().indexDigest()).matches("sha256:[0-9a-f]{64}");
        assertThat(run.publish().message()).isEmpty();
        assertThat(docker.output).contains("[publish] published " + REPO + "@" + run.publish().indexDigest()
                + " as 1.0, latest listing 4 platforms");
        assertThat(docker.runner.unexpected()).isEmpty();
    }

    @Test
    void shouldComposeWithADryRunThenRecordEachTagThenMoveAndReadBackEachTag() throws Exception {
        // When the platforms are built one by one (no batch index to publish as it is)
        run(request(FOUR).batch(false));

        // Then the publish is: create --dry-run, where each tag is now, then per tag a create and its read-back
        // (the tags of one group of the move order at once)
        List<List<String>> all = docker.runner.argvs();
        int firstCreate = java.util.stream.IntStream.range(0, all.size()).filter(i -> all.get(i).contains("create")).findFirst().orElseThrow();
        List<List<String>> publish = all.subList(firstCreate, all.size()).stream() // the size look-ups come before
                .filter(a -> a.contains("imagetools") && (a.contains("create") || a.contains(REPO + ":1.0") || a.contains(REPO + ":latest")))
                .toList();
        List<String> digests = FOUR.stream().map(p -> REPO + "@" + FakeDocker.digestOf(Platform.parse(p))).toList();
        assertThat(publish).hasSize(7);
        assertThat(publish.get(0)).contains("--dry-run").containsAll(digests);
        assertThat(publish.subList(1, 3)).containsExactlyInAnyOrder(
                List.of("docker", "buildx", "imagetools", "inspect", "--raw", REPO + ":1.0"),
                List.of("docker", "buildx", "imagetools", "inspect", "--raw", REPO + ":latest"));
        for (String tag : List.of("1.0", "latest")) {
            String other = tag.equals("1.0") ? "latest" : "1.0";
            int create = -1;
            int readBack = -1;
            for (int i = 3; i < publish.size(); i++) {
                if (publish.get(i).contains("create") && publish.get(i).contains(REPO + ":" + tag)) {
                    create = i;
                    assertThat(publish.get(i)).doesNotContain("--dry-run").containsAll(digests).doesNotContain(REPO + ":" + other);
                } else if (publish.get(i).contains(REPO + ":" + tag)) {
                    readBack = i;
                }
            }
            assertThat(create).as("create of " + tag).isPositive();
            assertThat(readBack).as("read-back of " + tag + " after its create").isGreaterThan(create);
        }
    }

    @Test
    void shouldPublishTheBatchsIndexAsItIsWithoutComposingOne() throws Exception {
        // When every platform of one batch passed
        RunResult run = run(request(FOUR));

        // Then no index was composed: each tag got the batch's pushed index (imagetools pushes one index unchanged)
        assertThat(run.published()).isTrue();
        assertThat(docker.creates()).noneSatisfy(c -> assertThat(c.argv()).contains("--dry-run"));
        assertThat(docker.creates()).hasSize(2).allSatisfy(c -> assertThat(c.argv()).filteredOn(a -> a.startsWith(REPO + "@"))
                .containsExactly(REPO + "@" + run.publish().indexDigest()));
        String batchIndex = docker.builds().get(0).argv().get(docker.builds().get(0).argv().indexOf("--tag") + 1);
        assertThat(batchIndex).endsWith("-batch1");
    }

    @Test
    void shouldReadTheBinfmtTableOnceForEveryPlatformOfABatch() throws Exception {
        // Given an agent whose file access counts the listings of its binfmt_misc directory
        java.util.concurrent.atomic.AtomicInteger listings = new java.util.concurrent.atomic.AtomicInteger();
        io.multiarch.process.LocalFileAccess local = new io.multiarch.process.LocalFileAccess();
        io.multiarch.process.FileAccess counting = new io.multiarch.process.FileAccess() {
            @Override
            public boolean exists(String path) throws IOException, InterruptedException {
                return local.exists(path);
            }

            @Override
            public List<String> list(String dir) throws IOException, InterruptedException {
                if (dir.equals(binfmt.path())) {
                    listings.incrementAndGet();
                }
                return local.list(dir);
            }

            @Override
            public String read(String path) throws IOException, InterruptedException {
                return local.read(path);
            }

            @Override
            public String createTempDirectory(String prefix) throws IOException, InterruptedException {
                return local.createTempDirectory(prefix);
            }

            @Override
            public void deleteRecursively(String path) throws IOException, InterruptedException {
                local.deleteRecursively(path);
            }
        };
        AgentContext plain = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        AgentContext agent = new AgentContext(plain.agent(), plain.docker(), counting, plain.toolchain(), plain.binfmtDir(),
                plain.output());
        BuildRequest request = request(FOUR).build();

        // When the four platforms (three emulated) are built in one batch
        RunResult run = new MultiArchBuild(request, FOUR_AT_ONCE, RunPlan.of(request, FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(), RUN_ID),
                p -> agent, agent).run();

        // Then each emulated platform's emulator was checked against one reading of the table
        assertThat(run.published()).isTrue();
        assertThat(docker.output).contains("[linux/arm64] emulator for linux/arm64: binfmt_misc entry 'qemu-aarch64' (enabled, F flag)",
                "[linux/riscv64] emulator for linux/riscv64: binfmt_misc entry 'qemu-riscv64' (enabled, F flag)");
        assertThat(listings).hasValue(1);
    }

    @Test
    void shouldUseNoBuildThatRanOnAnotherBuilderThanTheToolchainNames() throws Exception {
        // Given a toolchain naming builder 'default' (docker driver), and builds that say they ran on another one (the
        // current builder was switched after the toolchain was probed or remembered)
        docker.buildsOn("ci", "docker-container");

        // When built as one batch, and each platform on its own
        for (RawBuildInput input : List.of(request(FOUR), request(FOUR).batch(false))) {
            RunResult run = run(input);

            // Then no platform passed, each saying why, and nothing was published
            assertThat(run.platforms()).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(Status.FAILED);
                assertThat(r.message()).contains("buildx built on builder 'ci' (driver docker-container), not on 'default' "
                        + "(driver docker) that this run's toolchain names");
            });
            assertThat(run.published()).isFalse();
            assertThat(docker.creates()).isEmpty();
        }

        // and builds that name the toolchain's builder pass
        docker.buildsOn("default", "docker");
        assertThat(run(request(FOUR)).published()).isTrue();
    }

    @Test
    void shouldPublishNothingWhenTheGateRefusesAfterTheBuilds() throws Exception {
        // Given a gate that, asked after every platform ended, says the run's premises were wrong
        BuildRequest request = request(FOUR).build();
        AgentContext agent = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        java.util.concurrent.atomic.AtomicInteger buildsWhenAsked = new java.util.concurrent.atomic.AtomicInteger(-1);

        // When
        RunResult run = new MultiArchBuild(request, FOUR_AT_ONCE, RunPlan.of(request, FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(), RUN_ID),
                p -> agent, agent).withPublishGate(() -> {
                    buildsWhenAsked.set(docker.builds().size());
                    return java.util.Optional.of("the toolchain changed");
                }).run();

        // Then the platforms were built and tested, the gate was asked after that, and no tag was moved: the first tag
        // was read once, for every platform's size look-up (its previous size), and not by a publish
        assertThat(buildsWhenAsked.get()).isEqualTo(1);
        assertThat(run.platforms()).extracting(PlatformResult::status).containsOnly(Status.PASSED);
        assertThat(run.published()).isFalse();
        assertThat(run.publish().message()).isEqualTo("the toolchain changed: nothing was published, no tag was created or moved");
        assertThat(docker.creates()).isEmpty();
        assertThat(docker.runner.callsWith("--raw", REPO + ":1.0")).hasSize(1);
        assertThat(docker.runner.callsWith("--raw", REPO + ":latest")).isEmpty();
    }

    @Test
    void shouldComposeAnIndexWhenAnOptionalPlatformOfTheBatchFailed() throws Exception {
        // Given riscv64 is optional and its test fails: the batch's index lists a platform that must not be published
        docker.runner.on(a -> a.contains("run") && a.contains("linux/riscv64"), c -> fail(1, "test failed"));

        // When
        RunResult run = run(request(FOUR).optionalPlatforms(List.of("linux/riscv64")));

        // Then the published index was composed of the three that passed
        assertThat(run.published()).isTrue();
        assertThat(docker.creates()).first().satisfies(c -> assertThat(c.argv()).contains("--dry-run"));
        assertThat(run.publish().listed()).containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7);
    }

    /** A registry client that writes manifests itself (the CLI's HTTP client), over the fake's imagetools. */
    private io.multiarch.registry.Registry writingRegistry(List<String> writes) {
        io.multiarch.registry.Registry imagetools = new io.multiarch.registry.ImagetoolsRegistry(
                docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path()).docker());
        return new io.multiarch.registry.Registry() {
            @Override
            public java.util.Optional<String> read(String reference) throws IOException, InterruptedException {
                return imagetools.read(reference);
            }

            @Override
            public java.util.Optional<String> readConfig(String reference) throws IOException, InterruptedException {
                return imagetools.readConfig(reference);
            }

            @Override
            public boolean writes() {
                return true;
            }

            @Override
            public void write(String reference, String manifest) {
                writes.add(reference);
                docker.serveTag(reference.substring(REPO.length() + 1), manifest);
            }
        };
    }

    private RunResult runWriting(RawBuildInput input, List<String> writes, io.multiarch.timeline.Timeline timeline)
            throws InterruptedException {
        return runWith(input, writingRegistry(writes), timeline);
    }

    /** A run whose agent asks {@code registry}. */
    private RunResult runWith(RawBuildInput input, io.multiarch.registry.Registry registry, io.multiarch.timeline.Timeline timeline)
            throws InterruptedException {
        ValidatedInput valid = input.validate();
        BuildRequest request = valid.request();
        AgentContext plain = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        AgentContext agent = new AgentContext(plain.agent(), plain.docker(), plain.files(), plain.toolchain(), plain.binfmtDir(),
                plain.output(), registry, timeline);
        return new MultiArchBuild(request, valid.execution(), RunPlan.of(request, FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(), RUN_ID),
                p -> agent, agent).run();
    }

    @Test
    void shouldReadEachImageOfABatchAheadOnceItsIndexIsPushedForTheSizeLookUps() throws Exception {
        // Given a registry client that records who asks for what
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.multiarch.registry.Registry imagetools = new io.multiarch.registry.ImagetoolsRegistry(
                docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path()).docker());
        io.multiarch.registry.Registry recording = new io.multiarch.registry.Registry() {
            @Override
            public java.util.Optional<String> read(String reference) throws IOException, InterruptedException {
                asked.add(Thread.currentThread().getName() + " " + reference);
                return imagetools.read(reference);
            }

            @Override
            public java.util.Optional<String> readConfig(String reference) throws IOException, InterruptedException {
                asked.add(Thread.currentThread().getName() + " config of " + reference);
                return imagetools.readConfig(reference);
            }

            @Override
            public java.util.Optional<String> readConfig(String reference, String configDigest) throws IOException, InterruptedException {
                asked.add(Thread.currentThread().getName() + " config " + configDigest + " of " + reference);
                return imagetools.readConfig(reference);
            }

            @Override
            public boolean writes() {
                return false;
            }

            @Override
            public void write(String reference, String manifest) {
                throw new UnsupportedOperationException();
            }
        };

        // When
        RunResult run = runWith(request(FOUR), recording, io.multiarch.timeline.Timeline.NONE);

        // Then every platform's image (named by the exporter's "exporting manifest" line) and its config were read once,
        // ahead, and its size is known
        assertThat(run.published()).isTrue();
        for (PlatformResult r : run.platforms()) {
            String image = REPO + "@" + r.digest();
            assertThat(asked).filteredOn(a -> a.endsWith(" " + image) && !a.contains(" config ")).singleElement().asString()
                    .startsWith("multiarch-read-ahead ");
            assertThat(asked).filteredOn(a -> a.contains(" config ") && a.endsWith(" of " + image)).singleElement().asString()
                    .startsWith("multiarch-read-ahead ");
            assertThat(r.size().bytes()).isEqualTo(FakeDocker.sizeOf(r.platform()));
        }
    }

    @Test
    void shouldMoveTagsWithOnePutEachWhenTheRegistryWrites() throws Exception {
        // Given a registry client that writes manifests itself
        List<String> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.multiarch.timeline.Timeline timeline = io.multiarch.timeline.Timeline.startingNow();

        // When
        RunResult run = runWriting(request(FOUR), writes, timeline);

        // Then each tag was moved by one write, no imagetools create ran, and each tag was read back
        assertThat(run.published()).isTrue();
        assertThat(writes).containsExactlyInAnyOrder(REPO + ":1.0", REPO + ":latest");
        assertThat(docker.creates()).isEmpty();
        // (read before and back by the publish, and once for every platform's size look-up)
        assertThat(docker.runner.callsWith("--raw", REPO + ":1.0")).hasSize(2 + 1);
        assertThat(docker.runner.callsWith("--raw", REPO + ":latest")).hasSize(2);
        assertThat(timeline.spans()).extracting(io.multiarch.timeline.Timeline.Span::phase)
                .contains("batch 1: buildx build", "publish", "publish: move 1.0", "publish: read back latest");
    }

    @Test
    void shouldReadTheBatchsIndexAndSizesOnceAsSoonAsTheExporterReportsThemPushed() throws Exception {
        io.multiarch.timeline.Timeline timeline = io.multiarch.timeline.Timeline.startingNow();

        // When
        RunResult run = runWriting(request(FOUR), new java.util.concurrent.CopyOnWriteArrayList<>(), timeline);

        // Then the index was read once, while buildx still ran, and each platform's manifest once (its size)
        assertThat(run.published()).isTrue();
        String index = batchIndexDigest(run);
        assertThat(docker.runner.callsWith("--raw", REPO + "@" + index)).hasSize(1);
        for (String p : FOUR) {
            Platform platform = Platform.parse(p);
            assertThat(docker.runner.callsWith("--raw", REPO + "@" + FakeDocker.digestOf(platform))).hasSize(1);
            assertThat(resultOf(run, platform).sizeBytes()).isEqualTo(FakeDocker.sizeOf(platform));
        }
        // (once: early; the build either was handed over then, or ended and used what was read)
        assertThat(timeline.spans()).extracting(io.multiarch.timeline.Timeline.Span::phase)
                .contains("batch 1: read the pushed index, early");
    }

    private MultiArchBuild build(RawBuildInput input) {
        ValidatedInput valid = input.validate();
        RunPlan plan = RunPlan.of(valid.request(), FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(), RUN_ID);
        AgentContext agent = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        return new MultiArchBuild(valid.request(), valid.execution(), plan, p -> agent, agent);
    }

    private static final String HANDED_OVER = "[batch 1] the index %s is pushed and read back whole; the rest of buildx's "
            + "run (the cache export) goes on beside what follows";

    @Test
    void shouldPublishOnceTheBatchsIndexIsReadBackWholeWhileItsProcessStillRuns() throws Exception {
        // Given batch builds whose process goes on after their push (the cache export) until released
        CountDownLatch exportDone = new CountDownLatch(1);
        docker.batchesGoOnAfterTheirOutput(exportDone, null);
        MultiArchBuild build = build(request(FOUR)).leavingFinishingBuilds().keepingLocalNamesOn(agent -> true);

        // When the run goes on without it
        RunResult run = build.run();

        // Then it published the batch's index while the process was still running
        assertThat(exportDone.getCount()).isEqualTo(1);
        assertThat(run.published()).isTrue();
        assertThat(run.platforms()).extracting(PlatformResult::status).containsOnly(Status.PASSED);
        assertThat(run.publish().listed()).containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7, Platform.RISCV64);
        assertThat(docker.output).contains(HANDED_OVER.formatted(batchIndexDigest(run)));

        // and the caller's wait ends once the process has
        exportDone.countDown();
        build.awaitFinishingBuilds();
        assertThat(docker.output).noneMatch(line -> line.contains("after the batch's index was pushed"));
        assertThat(build.finishingFailures()).isEmpty();
        assertThat(docker.runner.unexpected()).isEmpty();
    }

    @Test
    void shouldWaitForTheFinishingProcessBeforeRunReturnsUnlessTheCallerWaitsLater() throws Exception {
        // Given a batch whose process goes on after its push, released only once the run has handed it over
        CountDownLatch exportDone = new CountDownLatch(1);
        docker.batchesGoOnAfterTheirOutput(exportDone, null);
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        Thread releaser = new Thread(() -> {
            while (docker.output.stream().noneMatch(l -> l.contains("is pushed and read back whole"))) {
                Thread.onSpinWait();
            }
            released.set(true);
            exportDone.countDown();
        });
        releaser.start();

        // When the run is one that waits for it (the default)
        RunResult run = build(request(FOUR)).run();

        // Then it returned only after the process had ended
        assertThat(released).isTrue();
        assertThat(run.published()).isTrue();
        releaser.join();
    }

    @Test
    void shouldSayWhenBuildxFailsAfterTheHandOverWithoutChangingWhatWasPublished() throws Exception {
        // Given a batch whose process fails after its push (its cache export, say)
        CountDownLatch exportDone = new CountDownLatch(1);
        docker.batchesGoOnAfterTheirOutput(exportDone, fail(1, "ERROR: failed to export cache: 500 Internal Server Error"));
        MultiArchBuild build = build(request(FOUR)).leavingFinishingBuilds().keepingLocalNamesOn(agent -> true);

        // When
        RunResult run = build.run();
        exportDone.countDown();
        build.awaitFinishingBuilds();

        // Then the images stand as published, and the failure was said
        assertThat(run.published()).isTrue();
        assertThat(run.platforms()).extracting(PlatformResult::status).containsOnly(Status.PASSED);
        assertThat(docker.output).contains("[batch 1] buildx ended with exit 1: ERROR: failed to export cache: 500 Internal "
                + "Server Error, after the batch's index was pushed and read back whole (the images are not affected; the "
                + "registry cache may not have been exported)");
        // and kept for a caller whose output has gone (a served run's client): with the run and the batch
        assertThat(build.finishingFailures()).singleElement().asString()
                .startsWith("run " + RUN_ID + ", batch 1: buildx ended with exit 1: ERROR: failed to export cache");
    }

    @Test
    void shouldKillTheFinishingProcessWhenTheRunIsStopped() throws Exception {
        // Given a batch whose process would never end by itself after its push
        docker.batchesGoOnAfterTheirOutput(new CountDownLatch(1), null);
        MultiArchBuild build = build(request(FOUR)).leavingFinishingBuilds().keepingLocalNamesOn(agent -> true);
        RunResult run = build.run();

        // When the run is stopped (a signal while its caller waits for it)
        build.stop("SIGTERM");
        build.awaitFinishingBuilds();

        // Then the process was killed, and that was said
        assertThat(run.published()).isTrue();
        assertThat(docker.output).contains("[batch 1] buildx was stopped, after the batch's index was pushed and read back whole "
                + "(the images are not affected; the registry cache may not have been exported)");
    }

    @Test
    void shouldWaitForTheProcessWhenThePushedIndexDoesNotListEveryPlatform() throws Exception {
        // Given the exporter's line names arm64's image, not an index of the batch, and a process that goes on after it
        docker.pushedLineDigest = FakeDocker.digestOf(Platform.ARM64);
        CountDownLatch exportDone = new CountDownLatch(1);
        docker.batchesGoOnAfterTheirOutput(exportDone, null);
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        Thread releaser = new Thread(() -> {
            while (docker.runner.callsWith("--raw", REPO + "@" + FakeDocker.digestOf(Platform.ARM64)).isEmpty()) {
                Thread.onSpinWait();
            }
            released.set(true);
            exportDone.countDown();
        });
        releaser.start();

        // When
        RunResult run = build(request(FOUR)).leavingFinishingBuilds().keepingLocalNamesOn(agent -> true).run();

        // Then the batch was not handed over: the run used the process's own end, and published the index it named
        assertThat(released).isTrue();
        assertThat(docker.output).noneMatch(l -> l.contains("is pushed and read back whole"));
        assertThat(run.published()).isTrue();
        assertThat(run.publish().listed()).containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7, Platform.RISCV64);
        releaser.join();
    }

    @Test
    void shouldReadTheIndexAgainWhenTheExporterReportedAnotherDigest() throws Exception {
        // Given the exporter's line names arm64's image, not the index the build ends with
        docker.pushedLineDigest = FakeDocker.digestOf(Platform.ARM64);

        // When
        RunResult run = run(request(FOUR));

        // Then the index was read after the build, and every size is the right one
        assertThat(run.published()).isTrue();
        assertThat(docker.runner.callsWith("--raw", REPO + "@" + batchIndexDigest(run))).hasSize(1);
        for (String p : FOUR) {
            assertThat(resultOf(run, Platform.parse(p)).sizeBytes()).isEqualTo(FakeDocker.sizeOf(Platform.parse(p)));
        }
        assertThat(run.publish().listed()).containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7, Platform.RISCV64);
    }

    /** The digest of the index the run's batch pushed: what the publish published as it is. */
    private static String batchIndexDigest(RunResult run) {
        return run.publish().indexDigest();
    }

    @Test
    void shouldComposeTheIndexItselfWhenTheRegistryWritesAndNoBatchIndexFits() throws Exception {
        // Given platforms built one by one, and a registry client that writes
        List<String> writes = new java.util.concurrent.CopyOnWriteArrayList<>();

        // When
        RunResult run = runWriting(request(FOUR).batch(false), writes, io.multiarch.timeline.Timeline.NONE);

        // Then no imagetools process composed or moved anything: the index lists each platform's image by digest
        assertThat(run.published()).isTrue();
        assertThat(docker.creates()).isEmpty();
        assertThat(writes).hasSize(2);
        Manifest index = Manifest.parse(docker.served("1.0"));
        assertThat(index.mediaType()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(index.imageEntries()).hasSize(4).allSatisfy(d -> {
            Platform p = d.platform().toPlatform().orElseThrow();
            assertThat(d.digest()).isEqualTo(FakeDocker.digestOf(p));
            assertThat(d.size()).isPositive();
        });
        assertThat(run.publish().indexDigest()).isEqualTo(Manifest.digestOf(docker.served("1.0")));
        assertThat(run.publish().listed()).containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7, Platform.RISCV64);
    }

    @Test
    void shouldGiveTheIndexDigestTheRegistryComputes() throws Exception {
        RunResult run = run(request(List.of("linux/amd64", "linux/arm64")).batch(false));

        assertThat(run.publish().indexDigest()).isEqualTo(Manifest.digestOf(indexOf(List.of(Platform.AMD64, Platform.ARM64))));
    }

    /** The index text the fake composes, as the registry stores it. */
    private String indexOf(List<Platform> platforms) throws Exception {
        FakeDocker other = new FakeDocker();
        String argvDigests = String.join(" ", platforms.stream().map(p -> REPO + "@" + FakeDocker.digestOf(p)).toList());
        List<String> argv = new java.util.ArrayList<>(List.of("docker", "buildx", "imagetools", "create", "--dry-run"));
        argv.addAll(List.of(argvDigests.split(" ")));
        return other.runner.run(io.multiarch.process.Command.of(argv), io.multiarch.process.OutputListener.NONE).stdout().strip();
    }

    @Test
    void shouldWithholdThePublishWhenARequiredPlatformFailsItsTest() throws Exception {
        // Given the arm/v7 test fails
        docker.testExit(Platform.ARM_V7, 1);

        // When
        RunResult run = run(request(FOUR));

        // Then arm/v7 failed with its test outcome kept, the others passed
        PlatformResult armv7 = resultOf(run, Platform.ARM_V7);
        assertThat(armv7.status()).isEqualTo(Status.FAILED);
        assertThat(armv7.test()).hasValueSatisfying(t -> assertThat(t.exitCode()).isEqualTo(1));
        assertThat(run.platforms()).filteredOn(r -> r.platform() != Platform.ARM_V7)
                .extracting(PlatformResult::status).containsOnly(Status.PASSED);

        // and no tag was created or moved: imagetools create never ran
        assertThat(run.published()).isFalse();
        assertThat(run.blockers()).extracting(PlatformResult::platform).containsExactly(Platform.ARM_V7);
        assertThat(run.publish().message())
                .isEqualTo("required platform linux/arm/v7 did not pass; no tag was created or moved");
        assertThat(run.publish().indexDigest()).isEmpty();
        assertThat(docker.creates()).isEmpty();
        assertThat(docker.runner.argvs()).noneMatch(a -> a.contains("create"));
    }

    @Test
    void shouldNameEveryFailedRequiredPlatform() throws Exception {
        docker.testExit(Platform.ARM_V7, 1).buildExits(Platform.RISCV64, 1, 1);

        RunResult run = run(request(FOUR));

        assertThat(run.publish().message()).startsWith("required platforms ")
                .contains("linux/arm/v7").contains("linux/riscv64");
        assertThat(docker.creates()).isEmpty();
    }

    @Test
    void shouldPublishWithoutAFailedOptionalPlatform() throws Exception {
        // Given riscv64 is optional and its build fails every time
        docker.buildExits(Platform.RISCV64, 1, 1, 1);

        // When
        RunResult run = run(request(FOUR).optionalPlatforms(List.of("linux/riscv64")));

        // Then the index lists the three that passed, read back from the registry
        PlatformResult riscv = resultOf(run, Platform.RISCV64);
        assertThat(riscv.status()).isEqualTo(Status.FAILED);
        assertThat(riscv.required()).isFalse();
        assertThat(riscv.attempts()).isEqualTo(2);
        assertThat(run.published()).isTrue();
        assertThat(run.publish().listed()).containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7);
        assertThat(docker.creates()).hasSize(3).allSatisfy(c -> assertThat(c.argv())
                .doesNotContain(REPO + "@" + FakeDocker.digestOf(Platform.RISCV64))
                .contains(REPO + "@" + FakeDocker.digestOf(Platform.ARM_V7)));
    }

    @Test
    void shouldFailAPlatformWhoseEmulatorIsDisabledWithoutBuildingIt() throws Exception {
        binfmt.disable("qemu-aarch64");

        RunResult run = run(request(FOUR));

        PlatformResult arm64 = resultOf(run, Platform.ARM64);
        assertThat(arm64.status()).isEqualTo(Status.FAILED);
        assertThat(arm64.message()).contains("echo 1 > /proc/sys/fs/binfmt_misc/qemu-aarch64");
        assertThat(docker.builds()).hasSize(1).flatExtracting(c -> List.of(argAfter(c, "--platform").split(",")))
                .containsExactlyInAnyOrder("linux/amd64", "linux/arm/v7", "linux/riscv64");
        assertThat(run.published()).isFalse();
        assertThat(docker.creates()).isEmpty();
    }

    @Test
    void shouldSkipThePlatformsNotYetStartedAfterAFailFast() throws Exception {
        // Given one platform at a time, and the native platform (first in the plan) failing its build
        docker.buildExits(Platform.AMD64, 1);

        // When
        RunResult run = run(request(FOUR).failFast(true).concurrency(1));

        // Then the others never started
        assertThat(resultOf(run, Platform.AMD64).status()).isEqualTo(Status.FAILED);
        assertThat(run.platforms()).filteredOn(r -> r.platform() != Platform.AMD64).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.SKIPPED);
            assertThat(r.message()).isEqualTo("not started: fail-fast after linux/amd64 failed");
            assertThat(r.emulated()).isTrue();
        });
        assertThat(docker.builds()).hasSize(1);
        assertThat(run.published()).isFalse();
        assertThat(docker.creates()).isEmpty();
    }

    @Test
    void shouldStopRunningPlatformsAfterAFailFast() throws Exception {
        // Given arm64 builds until stopped, and amd64 fails its test once arm64 is building
        CountDownLatch arm64Building = new CountDownLatch(1);
        docker.runner.on(a -> a.contains("build") && a.contains("linux/arm64"), c -> {
            arm64Building.countDown();
            Thread.sleep(30_000);
            return ok("");
        });
        docker.runner.on(a -> a.contains("--entrypoint") && a.contains("linux/amd64"), c -> {
            arm64Building.await(10, TimeUnit.SECONDS);
            return new CommandResult(1, "", "FAIL\n", java.time.Duration.ofMillis(10), false);
        });

        // When
        long t0 = System.nanoTime();
        RunResult run = run(request(List.of("linux/amd64", "linux/arm64")).failFast(true).concurrency(2).batch(false));

        // Then arm64 was stopped, not waited for
        assertThat(resultOf(run, Platform.AMD64).status()).isEqualTo(Status.FAILED);
        PlatformResult arm64 = resultOf(run, Platform.ARM64);
        assertThat(arm64.status()).isEqualTo(Status.SKIPPED);
        assertThat(arm64.message()).isEqualTo("stopped: fail-fast after linux/amd64 failed");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(20);
        assertThat(docker.output).contains("[linux/amd64] fail-fast: stopping the other platforms");
        assertThat(docker.creates()).isEmpty();
    }

    @Test
    void shouldReportThePlatformsAFailFastStoppedAfterTheirPushWithTheirDigests() throws Exception {
        // Given a batch of three whose images are all pushed; riscv64's test runs until stopped, arm64's is still
        // queued (two at a time), and amd64's test fails once riscv64's runs (before: both "skipped", no digest)
        CountDownLatch riscvTesting = new CountDownLatch(1);
        docker.runner.on(a -> a.contains("--entrypoint") && a.contains("linux/riscv64"), c -> {
            riscvTesting.countDown();
            Thread.sleep(30_000);
            return ok("");
        });
        docker.runner.on(a -> a.contains("--entrypoint") && a.contains("linux/amd64"), c -> {
            riscvTesting.await(10, TimeUnit.SECONDS);
            return new CommandResult(1, "", "FAIL\n", java.time.Duration.ofMillis(10), false);
        });

        // When
        RunResult run = run(request(List.of("linux/amd64", "linux/arm64", "linux/riscv64")).failFast(true).concurrency(2));

        // Then each reports what was really done: built and pushed, test stopped or never started
        PlatformResult riscv = resultOf(run, Platform.RISCV64);
        assertThat(riscv.status()).isEqualTo(Status.SKIPPED);
        assertThat(riscv.digest()).isEqualTo(FakeDocker.digestOf(Platform.RISCV64));
        assertThat(riscv.message()).startsWith("built and pushed, but its test was stopped: fail-fast after linux/amd64 failed; built in batch 1");
        PlatformResult arm64 = resultOf(run, Platform.ARM64);
        assertThat(arm64.status()).isEqualTo(Status.SKIPPED);
        assertThat(arm64.digest()).isEqualTo(FakeDocker.digestOf(Platform.ARM64));
        assertThat(arm64.message()).startsWith("built and pushed, but its test never started: fail-fast after linux/amd64 failed; built in batch 1");
        assertThat(arm64.tempTag()).endsWith("-batch1");
        assertThat(run.publish().leftovers()).containsExactly(REPO + ":multiarch-tmp-" + RUN_ID + "-batch1");
        assertThat(docker.creates()).isEmpty();
    }

    @Test
    void shouldStopARunFromOutsideRemoveItsContainersAndPublishNothing() throws Exception {
        // Given builds that run until stopped, and a container of the run that the daemon still lists
        CountDownLatch building = new CountDownLatch(1);
        docker.runner.on(a -> a.contains("build") && a.contains("buildx"), c -> {
            building.countDown();
            Thread.sleep(30_000);
            return ok("");
        });
        docker.runner.on(List.of("ps", "-aq"), c -> ok("4f1e2d3c\n"));
        docker.runner.on(List.of("rm", "-f", "4f1e2d3c"), c -> ok("4f1e2d3c\n"));
        BuildRequest request = request(FOUR).build();
        AgentContext agent = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        MultiArchBuild build = new MultiArchBuild(request, FOUR_AT_ONCE, RunPlan.of(request, FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(), RUN_ID),
                p -> agent, agent);
        Thread signal = new Thread(() -> {
            try {
                building.await(10, TimeUnit.SECONDS);
                build.stop("SIGTERM");
            } catch (InterruptedException e) {
                // the test ends
            }
        });
        signal.start();

        // When
        long t0 = System.nanoTime();
        RunResult run = build.run();

        // Then it returned at once, marked, with nothing published and the run's containers removed
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(20);
        assertThat(run.interrupted()).isEqualTo("SIGTERM");
        assertThat(run.published()).isFalse();
        assertThat(run.publish().message()).isEqualTo("interrupted by SIGTERM: nothing was published, no tag was created or moved");
        assertThat(run.platforms()).extracting(PlatformResult::status).containsOnly(Status.SKIPPED);
        assertThat(run.platforms()).extracting(PlatformResult::message).containsOnly("stopped: interrupted by SIGTERM");
        assertThat(docker.runner.callsWith("ps", "-aq", "--filter", "label=io.multiarch.run=" + RUN_ID)).hasSize(1);
        assertThat(docker.runner.callsWith("rm", "-f", "4f1e2d3c")).hasSize(1);
        assertThat(docker.creates()).isEmpty();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void shouldNotBuildABatchAgainPlatformByPlatformWhenItsDockerfileDoesNotParse() throws Exception {
        // Given a Dockerfile with a syntax error (before: the batch, then each platform alone, then the retries)
        for (String p : FOUR) {
            docker.buildResult(Platform.parse(p), io.multiarch.process.ScriptedRunner.fail(1, "ERROR: failed to solve: "
                    + "dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)"));
        }

        // When
        RunResult run = run(request(FOUR));

        // Then one build ran, and every platform failed with the reason
        assertThat(docker.builds()).hasSize(1);
        assertThat(run.platforms()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.message()).contains("building again cannot change that: the Dockerfile does not parse");
        });
    }

    @Test
    void shouldReturnAResultWhenTheFirstPlatformFailsBeforeTheOthersAreQueued() throws Exception {
        // Given a machine that runs none of the platforms natively, whose costliest one (s390x, first in the plan)
        // has no emulator, so it fails at once, without a process, while the run is still queueing the others
        binfmt.remove("qemu-s390x");
        Toolchain noneNative = new Toolchain("26.1.5", "26.1.5", "0.13.1", "default", "docker", "sparc64",
                java.util.Set.of(), true, false);
        AgentContext agent = docker.agent(noneNative, binfmt.path());
        BuildRequest request = request(List.of("linux/arm64", "linux/s390x", "linux/riscv64", "linux/ppc64le", "linux/arm/v7"))
                .failFast(true).concurrency(1).build();

        // When run many times (the race between queueing and fail-fast is lost in a few percent of runs)
        for (int i = 0; i < 300; i++) {
            RunResult run = new MultiArchBuild(request, new ExecutionOptions(1, true), RunPlan.of(request, Set.of(), RUN_ID), p -> agent, agent)
                    .run();

            // Then every run ends with a result: s390x failed, the others were not started
            assertThat(resultOf(run, Platform.S390X).status()).isEqualTo(Status.FAILED);
            assertThat(run.platforms()).filteredOn(r -> r.platform() != Platform.S390X)
                    .extracting(PlatformResult::status).containsOnly(Status.SKIPPED);
        }
        assertThat(docker.builds()).isEmpty();
    }

    @Test
    void shouldNotStopOtherPlatformsWithoutFailFast() throws Exception {
        docker.buildExits(Platform.AMD64, 1);

        RunResult run = run(request(FOUR).concurrency(1));

        assertThat(run.platforms()).filteredOn(r -> r.platform() != Platform.AMD64)
                .extracting(PlatformResult::status).containsOnly(Status.PASSED);
        assertThat(docker.builds()).hasSize(4);
        assertThat(docker.creates()).isEmpty();
    }

    @Test
    void shouldNotFailFastOnAnOptionalPlatform() throws Exception {
        docker.buildExits(Platform.AMD64, 1);

        RunResult run = run(request(FOUR).optionalPlatforms(List.of("linux/amd64")).failFast(true).concurrency(1));

        assertThat(run.platforms()).filteredOn(r -> r.platform() != Platform.AMD64)
                .extracting(PlatformResult::status).containsOnly(Status.PASSED);
        assertThat(run.published()).isTrue();
        assertThat(run.publish().listed()).containsExactly(Platform.ARM64, Platform.ARM_V7, Platform.RISCV64);
    }

    @Test
    void shouldFailThePublishWhenTheRegistryServesADifferentSetOfPlatforms() throws Exception {
        // Given the registry serves, under 'latest' once pushed, an index without arm/v7 (something else moved the tag)
        String other = indexOf(List.of(Platform.AMD64, Platform.ARM64));
        docker.servesAfterPush("latest", other);

        // When
        RunResult run = run(request(List.of("linux/amd64", "linux/arm64", "linux/arm/v7")));

        // Then
        assertThat(run.platforms()).extracting(PlatformResult::status).containsOnly(Status.PASSED);
        assertThat(run.published()).isFalse();
        assertThat(run.publish().message())
                .startsWith("publish failed: " + REPO + ":latest as the registry serves it lists [linux/amd64, linux/arm64]")
                .contains("expected exactly [linux/amd64, linux/arm64, linux/arm/v7]");
        assertThat(run.publish().listed()).isEmpty();
    }

    @Test
    void shouldFailThePublishWhenTheTagResolvesToAnotherIndex() throws Exception {
        // Given the registry serves the same platforms under '1.0' in other bytes, hence another digest
        String composed = indexOf(List.of(Platform.AMD64, Platform.ARM64));
        docker.servesAfterPush("1.0", composed.replace("\n", "\r\n"));

        // When
        RunResult run = run(request(List.of("linux/amd64", "linux/arm64")).batch(false));

        // Then
        assertThat(run.published()).isFalse();
        assertThat(run.publish().message()).contains(REPO + ":1.0 resolves to " + Manifest.digestOf(composed.replace("\n", "\r\n")))
                .contains("not the composed index " + Manifest.digestOf(composed));
    }

    @Test
    void shouldNotPushWhenTheComposedIndexListsOtherPlatforms() throws Exception {
        // Given imagetools would compose an index that lacks riscv64
        docker.indexLists(given -> given.stream().filter(p -> p != Platform.RISCV64).toList());

        // When
        RunResult run = run(request(FOUR).batch(false));

        // Then only the dry run ran: no tag was moved
        assertThat(run.published()).isFalse();
        assertThat(run.publish().message()).contains("the composed index (dry run) lists")
                .contains("expected exactly [linux/amd64, linux/arm64, linux/arm/v7, linux/riscv64]");
        assertThat(docker.creates()).singleElement().satisfies(c -> assertThat(c.argv()).contains("--dry-run"));
    }

    @Test
    void shouldReportTheTemporaryTagsLeftInTheRegistry() throws Exception {
        RunResult run = run(request(List.of("linux/amd64", "linux/arm64")).batch(false));

        assertThat(run.publish().leftovers()).containsExactlyInAnyOrder(
                REPO + ":multiarch-tmp-" + RUN_ID + "-linux-amd64", REPO + ":multiarch-tmp-" + RUN_ID + "-linux-arm64");
    }

    @Test
    void shouldRemoveTheBatchsTemporaryTagFromTheLocalImageStoreOnceItsTestsAreOver() throws Exception {
        // When
        RunResult run = run(request(FOUR));

        // Then, after every test, the batch's name moves to its keeper, and one `docker image rm` takes it away; the
        // registry's tag is still reported
        List<Command> calls = docker.runner.calls();
        List<Command> copies = docker.runner.callsWith("tag");
        List<Command> removals = docker.runner.callsWith("image", "rm");
        assertThat(copies).singleElement().satisfies(c -> assertThat(c.argv().subList(1, c.argv().size()))
                .containsExactly("tag", REPO + ":multiarch-tmp-" + RUN_ID + "-batch1", REPO + ":multiarch-last-batch1"));
        assertThat(removals).singleElement().satisfies(c -> assertThat(c.argv().subList(1, c.argv().size()))
                .containsExactly("image", "rm", REPO + ":multiarch-tmp-" + RUN_ID + "-batch1"));
        int lastTest = calls.indexOf(docker.runner.callsWith("run", "--rm").get(3));
        assertThat(calls.indexOf(copies.get(0))).isGreaterThan(lastTest);
        assertThat(calls.indexOf(removals.get(0))).isGreaterThan(calls.indexOf(copies.get(0)));
        assertThat(run.published()).isTrue();
        assertThat(run.publish().leftovers()).containsExactly(REPO + ":multiarch-tmp-" + RUN_ID + "-batch1");
    }

    @Test
    void shouldRemoveEachPlatformsOwnTemporaryTagAfterItsTestWhenBuiltAlone() throws Exception {
        // When
        run(request(List.of("linux/amd64", "linux/arm64")).batch(false));

        // Then each platform's name is removed on its own, after that platform's test
        List<Command> calls = docker.runner.calls();
        for (String slug : List.of("linux-amd64", "linux-arm64")) {
            String name = REPO + ":multiarch-tmp-" + RUN_ID + "-" + slug;
            List<Command> removals = docker.runner.callsWith("image", "rm", name);
            assertThat(removals).hasSize(1);
            Command test = docker.runner.callsWith("run", "--rm").stream()
                    .filter(c -> c.argv().contains(slug.replaceFirst("-", "/"))).findFirst().orElseThrow();
            assertThat(calls.indexOf(removals.get(0))).isGreaterThan(calls.indexOf(test));
        }
        assertThat(docker.runner.callsWith("image", "rm")).hasSize(2);
    }

    @Test
    void shouldKeepTheLocalNamesOfTheMachinesItIsToldToKeepThemOn() throws Exception {
        ValidatedInput valid = request(List.of("linux/amd64", "linux/arm64")).batch(false).validate();
        AgentContext agent = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        MultiArchBuild build = new MultiArchBuild(valid.request(), valid.execution(),
                RunPlan.of(valid.request(), FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(), RUN_ID), p -> agent, agent)
                .keepingLocalNamesOn("local"::equals);

        RunResult run = build.run();

        // Then nothing was removed, and the caller gets both names to remove later
        assertThat(run.published()).isTrue();
        assertThat(docker.runner.callsWith("image", "rm")).isEmpty();
        assertThat(docker.runner.callsWith("tag")).isEmpty();
        assertThat(build.keptLocalNames("local")).containsExactlyInAnyOrder(
                REPO + ":multiarch-tmp-" + RUN_ID + "-linux-amd64", REPO + ":multiarch-tmp-" + RUN_ID + "-linux-arm64");
        assertThat(build.keptLocalNames("elsewhere")).isEmpty();
    }

    @Test
    void shouldRemoveNoLocalNameWhenTheBuilderPushesByDigest() throws Exception {
        ValidatedInput valid = request(FOUR).validate();
        AgentContext agent = docker.agent(FakeDocker.AMD64_CONTAINER_DRIVER, binfmt.path());
        RunResult run = new MultiArchBuild(valid.request(), valid.execution(),
                RunPlan.of(valid.request(), FakeDocker.AMD64_CONTAINER_DRIVER.nativePlatforms(), RUN_ID), p -> agent, agent).run();

        assertThat(run.published()).isTrue();
        assertThat(docker.runner.callsWith("image", "rm")).isEmpty();
    }

    @Test
    void shouldPublishAndSayWhatStaysWhenTheLocalNameCannotBeRemoved() throws Exception {
        // Given the daemon refuses the removal
        docker.runner.on(List.of("image", "rm"), c -> fail(1, "Error response from daemon: conflict: unable to remove repository reference"));

        // When
        RunResult run = run(request(FOUR));

        // Then the run is published all the same, and the log says which name stays and why
        assertThat(run.published()).isTrue();
        assertThat(docker.output).anySatisfy(l -> assertThat(l)
                .contains("could not remove the run's temporary tag " + REPO + ":multiarch-tmp-" + RUN_ID + "-batch1 from the local image store")
                .endsWith("conflict: unable to remove repository reference"));
    }

    @Test
    void shouldReportAPlatformThatBrokeUnexpectedlyAsFailedNotSkipped() throws Exception {
        // Given arm64's build exits 0 but leaves metadata without an image digest
        docker.runner.on(a -> a.contains("build") && a.contains("linux/arm64"), c -> {
            Files.writeString(Path.of(argAfter(c, "--metadata-file")), "{}");
            return ok("");
        });

        // When
        RunResult run = run(request(List.of("linux/amd64", "linux/arm64")).batch(false));

        // Then
        PlatformResult arm64 = resultOf(run, Platform.ARM64);
        assertThat(arm64.status()).isEqualTo(Status.FAILED);
        assertThat(arm64.message()).contains("containerimage.digest");
    }

    @Test
    void shouldBuildThePlatformsOfOneEndpointInOneBuildxBuild() throws Exception {
        // When
        RunResult run = run(request(FOUR));

        // Then one build for the four, in plan order, pushed as one index under the batch's temporary tag
        assertThat(docker.builds()).hasSize(1);
        Command build = docker.builds().get(0);
        assertThat(argAfter(build, "--platform")).isEqualTo("linux/amd64,linux/riscv64,linux/arm64,linux/arm/v7");
        assertThat(argAfter(build, "--tag")).isEqualTo(REPO + ":multiarch-tmp-" + RUN_ID + "-batch1");
        // reading every platform's own cache and the set's, writing the set's only
        String setCache = io.multiarch.plan.RunPlan.batchCacheTag(RunPlan.of(request(FOUR).build(), Set.of(Platform.AMD64), RUN_ID).tasks());
        assertThat(setCache).matches("multiarch-cache-set-[0-9a-f]{12}");
        assertThat(build.argv()).filteredOn(a -> a.startsWith("type=registry")).containsExactly(
                "type=registry,ref=" + REPO + ":" + setCache,
                "type=registry,ref=" + REPO + ":multiarch-cache-linux-amd64",
                "type=registry,ref=" + REPO + ":multiarch-cache-linux-riscv64",
                "type=registry,ref=" + REPO + ":multiarch-cache-linux-arm64",
                "type=registry,ref=" + REPO + ":multiarch-cache-linux-arm-v7",
                "type=registry,ref=" + REPO + ":" + setCache + ",mode=max,ignore-error=true");
        // each platform tested by its own digest from the index, and published
        assertThat(docker.runner.callsWith("run", "--rm")).hasSize(4);
        for (String p : FOUR) {
            Platform platform = Platform.parse(p);
            PlatformResult r = resultOf(run, platform);
            assertThat(r.status()).isEqualTo(Status.PASSED);
            assertThat(r.digest()).isEqualTo(FakeDocker.digestOf(platform));
            assertThat(r.sizeBytes()).isEqualTo(FakeDocker.sizeOf(platform));
            // its own steps' time from the progress output (the fake's RUN step takes emulationCost seconds)
            assertThat(r.buildSeconds()).isEqualTo((double) platform.emulationCost());
            assertThat(r.pushSeconds()).isEqualTo(0.5); // "#30 pushing layers 0.5s done"
            assertThat(r.message()).startsWith("built in batch 1 with 3 other platforms (one buildx build, ");
        }
        assertThat(run.published()).isTrue();
        assertThat(run.publish().listed()).containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7, Platform.RISCV64);
        assertThat(run.publish().leftovers()).containsExactly(REPO + ":multiarch-tmp-" + RUN_ID + "-batch1");
        assertThat(docker.runner.unexpected()).isEmpty();
    }

    @Test
    void shouldBuildEachPlatformAloneWhenTheBatchFailsAndPublishWithoutAFailingOptionalOne() throws Exception {
        // Given riscv64 (optional) fails every build
        docker.buildExits(Platform.RISCV64, 1, 1);

        // When
        RunResult run = run(request(FOUR).optionalPlatforms(List.of("linux/riscv64")));

        // Then the batch failed, each platform was built alone (riscv64 twice: one retry), and riscv64 dropped out
        List<String> builds = docker.builds().stream().map(c -> argAfter(c, "--platform")).toList();
        assertThat(builds.get(0)).contains(",");
        assertThat(builds.subList(1, builds.size())).containsExactlyInAnyOrder(
                "linux/amd64", "linux/arm64", "linux/arm/v7", "linux/riscv64", "linux/riscv64");
        assertThat(docker.output).anySatisfy(l -> assertThat(l).startsWith("[batch 1] the batched build failed (exit 1)")
                .endsWith("building each of its platforms on its own to find which"));
        PlatformResult riscv = resultOf(run, Platform.RISCV64);
        assertThat(riscv.status()).isEqualTo(Status.FAILED);
        assertThat(riscv.attempts()).isEqualTo(2);
        assertThat(riscv.message()).contains("the build failed (exit 1, 2 attempts)").contains("built on its own after batch 1 failed");
        assertThat(resultOf(run, Platform.ARM64).tempTag()).isEqualTo("multiarch-tmp-" + RUN_ID + "-linux-arm64");
        assertThat(run.published()).isTrue();
        assertThat(run.publish().listed()).containsExactly(Platform.AMD64, Platform.ARM64, Platform.ARM_V7);
    }

    @Test
    void shouldFailEveryPlatformOfABatchThatTimedOut() throws Exception {
        docker.runner.on(a -> a.contains("build") && argAfterOrEmpty(a, "--platform").contains(","),
                c -> io.multiarch.process.ScriptedRunner.timedOut());

        RunResult run = run(request(FOUR));

        assertThat(run.platforms()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.message()).contains("the batched build of 4 platforms timed out after 60 min");
        });
        assertThat(docker.builds()).hasSize(1);
        assertThat(docker.creates()).isEmpty();
    }

    @Test
    void shouldFailEveryPlatformOfABatchWhoseMetadataHasNoDigest() throws Exception {
        docker.runner.on(a -> a.contains("build") && argAfterOrEmpty(a, "--platform").contains(","), c -> {
            Files.writeString(Path.of(argAfter(c, "--metadata-file")), "{}");
            return ok("");
        });

        RunResult run = run(request(FOUR));

        assertThat(run.platforms()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.message()).startsWith("batch 1 failed: ").contains("containerimage.digest");
        });
        assertThat(docker.creates()).isEmpty();
    }

    @Test
    void shouldLeaveAPlatformWithoutItsEmulatorOutOfTheBatch() throws Exception {
        binfmt.disable("qemu-riscv64");

        RunResult run = run(request(FOUR));

        assertThat(docker.builds()).hasSize(1);
        assertThat(argAfter(docker.builds().get(0), "--platform")).isEqualTo("linux/amd64,linux/arm64,linux/arm/v7");
        assertThat(resultOf(run, Platform.RISCV64).status()).isEqualTo(Status.FAILED);
        assertThat(resultOf(run, Platform.ARM64).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void shouldBatchPerEndpoint() throws Exception {
        // Given arm64 and arm/v7 on a second docker endpoint, amd64 and riscv64 here
        FakeDocker remote = new FakeDocker();
        BuildRequest request = request(FOUR).build();
        AgentContext local = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        AgentContext arm = new AgentContext("ssh://arm-host", remote.agent(FakeDocker.AMD64_DOCKER_DRIVER, "").docker(),
                new io.multiarch.process.LocalFileAccess(), FakeDocker.AMD64_DOCKER_DRIVER, "", local.output());
        RunPlan plan = RunPlan.of(request, Set.of(Platform.AMD64), RUN_ID);

        // When
        RunResult run = new MultiArchBuild(request, FOUR_AT_ONCE, plan,
                p -> p == Platform.ARM64 || p == Platform.ARM_V7 ? arm : local, local).run();

        // Then one batch on each endpoint
        assertThat(docker.builds()).extracting(c -> argAfter(c, "--platform")).containsExactly("linux/amd64,linux/riscv64");
        assertThat(remote.builds()).extracting(c -> argAfter(c, "--platform")).containsExactly("linux/arm64,linux/arm/v7");
        assertThat(resultOf(run, Platform.ARM64).agent()).isEqualTo("ssh://arm-host");
        assertThat(run.platforms()).extracting(PlatformResult::status).containsOnly(Status.PASSED);
    }

    @Test
    void shouldBuildEachPlatformAloneWithConcurrencyOneOrWithProvenanceOrWhenAskedTo() throws Exception {
        AgentContext agent = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        for (ValidatedInput v : List.of(request(FOUR).concurrency(1).validate(), request(FOUR).provenance(true).validate(),
                request(FOUR).batch(false).validate())) {
            BuildRequest r = v.request();
            List<Command> planned = new MultiArchBuild(r, v.execution(), RunPlan.of(r, Set.of(Platform.AMD64), RUN_ID), p -> agent, agent)
                    .plannedCommands("/tmp/m.json");
            assertThat(planned).filteredOn(c -> c.argv().contains("build")).hasSize(4)
                    .allSatisfy(c -> assertThat(argAfter(c, "--platform")).doesNotContain(","));
        }
        BuildRequest batched = request(FOUR).build();
        assertThat(new MultiArchBuild(batched, FOUR_AT_ONCE, RunPlan.of(batched, Set.of(Platform.AMD64), RUN_ID), p -> agent, agent)
                .plannedCommands("/tmp/m.json")).filteredOn(c -> c.argv().contains("build")).hasSize(1);
    }

    @Test
    void shouldPushABatchAgainWhenOnlyItsPushFailed() throws Exception {
        // Given the first batch build fails in the docker driver's push step, as registry 2.8 sometimes makes it
        java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
        docker.runner.on(a -> a.contains("build") && argAfterOrEmpty(a, "--platform").contains(",")
                && batches.getAndIncrement() == 0, c -> new CommandResult(1, "", """
                #20 pushing 127.0.0.1:5000/demo/hello:multiarch-tmp-x-batch1 with docker
                #20 ERROR: unexpected status from HEAD request to http://127.0.0.1:5000/v2/demo/hello/manifests/x: 500 Internal Server Error
                ------
                 > pushing 127.0.0.1:5000/demo/hello:multiarch-tmp-x-batch1 with docker:
                ------
                ERROR: unexpected status from HEAD request to http://127.0.0.1:5000/v2/demo/hello/manifests/x: 500 Internal Server Error
                """, java.time.Duration.ofMillis(5), false));

        // When
        RunResult run = run(request(FOUR));

        // Then the batch ran again (no per-platform builds) and everything was published
        assertThat(docker.builds()).hasSize(2).allSatisfy(c -> assertThat(argAfter(c, "--platform")).contains(","));
        assertThat(docker.output).anySatisfy(l -> assertThat(l).startsWith("[batch 1] the batch was built but its push failed (")
                .endsWith("pushing again: retry 1 of 2"));
        assertThat(run.platforms()).allSatisfy(r -> assertThat(r.message()).contains("1 push retry of batch 1"));
        assertThat(run.published()).isTrue();
    }

    @Test
    void shouldBuildEachPlatformAloneWhenTheBatchsPushKeepsFailing() throws Exception {
        docker.runner.on(a -> a.contains("build") && argAfterOrEmpty(a, "--platform").contains(","),
                c -> new CommandResult(1, "", "#20 pushing x with docker\n#20 ERROR: 500 Internal Server Error\n",
                        java.time.Duration.ofMillis(5), false));

        RunResult run = run(request(FOUR));

        assertThat(docker.builds()).hasSize(1 + BatchBuild.PUSH_RETRIES + 4);
        assertThat(run.published()).isTrue();
        assertThat(resultOf(run, Platform.ARM64).message()).contains("built on its own after batch 1 failed");
    }

    private static String argAfterOrEmpty(List<String> argv, String flag) {
        int i = argv.indexOf(flag);
        return i < 0 || i + 1 >= argv.size() ? "" : argv.get(i + 1);
    }

    @Test
    void shouldRecordEachPlatformsPhasesOnTheRunsClock() throws Exception {
        RunResult run = run(request(FOUR));

        for (PlatformResult p : run.platforms()) {
            List<io.multiarch.result.Phase> phases = run.phasesOf(p.platform());
            assertThat(phases).extracting(io.multiarch.result.Phase::name).as(p.platform().toString())
                    .containsSubsequence("build", "test", "publish");
            assertThat(phases).allSatisfy(x -> assertThat(x.start()).isBetween(0.0, x.end()))
                    .allSatisfy(x -> assertThat(x.end()).isLessThanOrEqualTo(run.totalSeconds() + 1e-6));
            double buildEnd = phases.stream().filter(x -> x.name().equals("build")).mapToDouble(io.multiarch.result.Phase::end).max().orElseThrow();
            double testStart = phases.stream().filter(x -> x.name().equals("test")).mapToDouble(io.multiarch.result.Phase::start).min().orElseThrow();
            assertThat(testStart).as("the test after the build").isGreaterThanOrEqualTo(buildEnd);
        }
        assertThat(run.phasesOf(Platform.ARM64)).extracting(io.multiarch.result.Phase::name).startsWith("binfmt");
    }
}
