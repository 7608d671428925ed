package io.multiarch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The fault suite, on the real toolchain (Docker, buildx, QEMU; nothing fakes docker): the CLI runs as its own
 * process ({@code java -jar target/multiarch.jar}, or {@code -Dmultiarch.jar=…} for another build), against a
 * registry of the test's own behind a fault-injecting proxy (a 500, a hang, a dropped connection on a chosen
 * request), a docker daemon of its own that is killed mid-build, signals mid-build and mid-test, tests that kill
 * themselves, two runs on one tag, and a 300 MB line. Each test checks what a user would: the registry's tags,
 * the processes and containers left, the report, the exit code.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FaultsIT {
    private static final Path EXAMPLE = Path.of("..", "examples", "hello").toAbsolutePath().normalize();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Duration RUN_LIMIT = Duration.ofMinutes(6);

    @TempDir
    static Path shared;
    private static OwnRegistry registry;
    private static FaultProxy proxy;
    private static RegistryClient direct;

    @TempDir
    Path work;

    @BeforeAll
    static void startRegistryAndProxy() throws Exception {
        assertThat(CliProcess.JAR).as("the CLI jar (mvn package)").exists();
        registry = new OwnRegistry(Files.createDirectories(shared.resolve("registry")));
        proxy = new FaultProxy(registry.port());
        direct = new RegistryClient("127.0.0.1:" + registry.port());
    }

    @AfterAll
    static void stopRegistryAndProxy() throws Exception {
        proxy.close();
        registry.close();
    }

    @AfterEach
    void noFaultsForTheNextTest() {
        proxy.clearFaults();
    }

    private static String repo(String name) {
        return "it/" + name + "-" + RUN;
    }

    private static String image(String repo) {
        return proxy.host() + "/" + repo;
    }

    private CliProcess cli(String dir, String... args) throws IOException {
        return CliProcess.build(work.resolve(dir), false, args);
    }

    private static JsonNode platform(JsonNode report, String name) {
        for (JsonNode p : report.path("platforms")) {
            if (p.path("platform").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError(name + " not in " + report);
    }

    private static JsonNode tagState(JsonNode report, String tag) {
        for (JsonNode t : report.path("tagStates")) {
            if (t.path("tag").asText().equals(tag)) {
                return t;
            }
        }
        throw new AssertionError("no tag state of " + tag + " in " + report);
    }

    private Path context(String name, String dockerfile) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        return dir;
    }

    // --- publishing: a 500 on the second tag ----------------------------------------------------

    @Test
    void shouldPutTheFirstTagBackWhenTheSecondTagsManifestPutFails() throws Exception {
        // Given both tags on an index of a first run
        String repo = repo("rollback");
        CliProcess first = cli("first", EXAMPLE.toString(), "--image", image(repo), "--tag", "t1", "--tag", "t2",
                "--platforms", "linux/amd64,linux/arm64", "--build-arg", "GREETING=first");
        assertThat(first.waitFor(RUN_LIMIT)).as(first.output()).isZero();
        String old = direct.digest(repo, "t1").orElseThrow();
        assertThat(direct.digest(repo, "t2")).contains(old);

        // When a changed image is published and the registry answers the PUT of t2's manifest with a 500
        proxy.inject("PUT", "/v2/" + repo + "/manifests/t2$", 1, FaultProxy.Fault.ERROR_500);
        CliProcess second = cli("second", EXAMPLE.toString(), "--image", image(repo), "--tag", "t1", "--tag", "t2",
                "--platforms", "linux/amd64,linux/arm64", "--build-arg", "GREETING=second");
        int exit = second.waitFor(RUN_LIMIT);

        // Then both tags serve the old index (before: t1 had moved while the console said "not published")
        assertThat(proxy.log()).contains("PUT /v2/" + repo + "/manifests/t2 -> ERROR_500");
        assertThat(direct.digest(repo, "t1")).as(second.output()).contains(old);
        assertThat(direct.digest(repo, "t2")).contains(old);
        assertThat(exit).as(second.output()).isEqualTo(ExitCodes.FAILED);
        JsonNode report = second.report();
        assertThat(report.path("published").asBoolean()).isFalse();
        assertThat(report.path("tagsLeftChanged").asBoolean()).isFalse();
        assertThat(report.path("publishMessage").asText()).contains("500").endsWith("every tag serves what it served before");
        assertThat(tagState(report, "t1").path("after").asText()).isEqualTo(old);
        assertThat(tagState(report, "t1").path("note").asText()).isEqualTo("restored after the failed publish");
    }

    @Test
    void shouldNameATagItCreatedAndCannotRemoveWithTheDigestItServesAndSayItByItsExitCode() throws Exception {
        // Given two tags that do not exist yet, and a 500 on the second
        String repo = repo("created");
        proxy.inject("PUT", "/v2/" + repo + "/manifests/t2$", 1, FaultProxy.Fault.ERROR_500);

        // When
        CliProcess run = cli("run", EXAMPLE.toString(), "--image", image(repo), "--tag", "t1", "--tag", "t2",
                "--platforms", "linux/amd64");
        int exit = run.waitFor(RUN_LIMIT);

        // Then the report names t1 with the digest the registry serves for it, and the exit code says tags changed
        String served = direct.digest(repo, "t1").orElseThrow();
        assertThat(direct.digest(repo, "t2")).isEmpty();
        assertThat(exit).as(run.output()).isEqualTo(ExitCodes.TAGS_LEFT_CHANGED);
        JsonNode report = run.report();
        assertThat(report.path("tagsLeftChanged").asBoolean()).isTrue();
        assertThat(tagState(report, "t1").path("after").asText()).isEqualTo(served);
        assertThat(tagState(report, "t1").path("unrestored").asBoolean()).isTrue();
        assertThat(run.output()).contains("tag t1: (absent) -> " + served);
    }

    // --- the registry drops a connection, or hangs --------------------------------------------------

    @Test
    void shouldPublishWhenTheRegistryDropsAConnectionOnceDuringThePush() throws Exception {
        String repo = repo("drop");
        proxy.inject("PUT", "/v2/" + repo + "/manifests/multiarch-tmp-", 1, FaultProxy.Fault.DROP);

        CliProcess run = cli("run", EXAMPLE.toString(), "--image", image(repo), "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64", "--test", "arch-test");
        int exit = run.waitFor(RUN_LIMIT);

        assertThat(proxy.log()).anyMatch(l -> l.endsWith("-> DROP"));
        assertThat(exit).as(run.output()).isZero();
        assertThat(direct.platforms(repo, "v1")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
    }

    @Test
    void shouldEndABuildWhosePushHangsAtItsTimeoutAndLeaveNothingRunning() throws Exception {
        String repo = repo("hang");
        proxy.inject("PUT", "/v2/" + repo + "/manifests/multiarch-tmp-", 1, FaultProxy.Fault.HANG);

        CliProcess run = cli("run", EXAMPLE.toString(), "--image", image(repo), "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64", "--timeout", "1");
        int exit = run.waitFor(Duration.ofMinutes(4));

        assertThat(proxy.log()).anyMatch(l -> l.endsWith("-> HANG"));
        assertThat(exit).as(run.output()).isEqualTo(ExitCodes.FAILED);
        assertThat(platform(run.report(), "linux/amd64").path("message").asText()).contains("timed out after 1 min");
        assertThat(direct.digest(repo, "v1")).isEmpty();
        assertNothingLeft(run.runId());
    }

    // --- a docker daemon dies mid-build ---------------------------------------------------------------

    @Test
    void shouldFailOnlyThePlatformWhoseDaemonWasKilledMidBuild() throws Exception {
        String repo = repo("daemon");
        Path context = context("ctx", """
                FROM busybox
                ARG TARGETARCH
                RUN if [ "$TARGETARCH" = arm64 ]; then echo build-started-$TARGETARCH; sleep 45; fi
                """);
        assertThat(Files.exists(Path.of("/sys/class/net/docker0"))).as("the shared daemon's bridge, before").isTrue();
        try (OwnDockerd daemon = new OwnDockerd(work)) {
            CliProcess run = cli("run", context.toString(), "--image", image(repo), "--tag", "v1",
                    "--platforms", "linux/amd64,linux/arm64", "--endpoint", "linux/arm64=" + daemon.host(),
                    "--optional-platform", "linux/arm64", "--retries", "0");
            assertThat(run.awaitOutput("build-started-arm64", Duration.ofMinutes(3))).as(run.output()).isTrue();

            daemon.kill();
            int exit = run.waitFor(RUN_LIMIT);

            assertThat(exit).as(run.output()).isZero();
            assertThat(direct.platforms(repo, "v1")).containsExactly("linux/amd64");
            JsonNode arm64 = platform(run.report(), "linux/arm64");
            assertThat(arm64.path("status").asText()).isEqualTo("failed");
            assertThat(arm64.path("message").asText()).isNotBlank();
            assertNothingLeft(run.runId());
        }
        assertThat(Files.exists(Path.of("/sys/class/net/docker0"))).as("the shared daemon's bridge, after").isTrue();
    }

    // --- signals -------------------------------------------------------------------------------------

    private static final String SLOW_BUILD = """
            FROM busybox
            ARG TARGETARCH
            RUN echo build-started-$TARGETARCH && sleep 120
            """;

    @Test
    void shouldStopEverythingAndWriteTheReportOnSigtermMidBuild() throws Exception {
        stopMidBuild("SIGTERM", 143);
    }

    @Test
    void shouldStopEverythingAndWriteTheReportOnCtrlCMidBuild() throws Exception {
        stopMidBuild("SIGINT", 130);
    }

    private void stopMidBuild(String signal, int expectedExit) throws Exception {
        boolean group = signal.equals("SIGINT");
        assumeInterruptible(group);
        String repo = repo("build-" + signal.toLowerCase());
        Path context = context("ctx", SLOW_BUILD);
        CliProcess run = CliProcess.build(work.resolve("run"), group, context.toString(), "--image", image(repo),
                "--tag", "v1", "--platforms", "linux/amd64,linux/arm64");
        assertThat(run.awaitOutput("build-started-", Duration.ofMinutes(3))).as(run.output()).isTrue();
        String runId = run.runId();
        assertThat(CliProcess.processesMentioning(runId)).as("the build runs").isNotEmpty();

        send(run, signal, group);
        int exit = run.waitFor(Duration.ofMinutes(2));

        assertStoppedCleanly(run, runId, signal, exit, expectedExit, repo);
    }

    @Test
    void shouldStopEverythingAndWriteTheReportOnSigtermMidTest() throws Exception {
        stopMidTest("SIGTERM", 143);
    }

    @Test
    void shouldStopEverythingAndWriteTheReportOnCtrlCMidTest() throws Exception {
        stopMidTest("SIGINT", 130);
    }

    private void stopMidTest(String signal, int expectedExit) throws Exception {
        boolean group = signal.equals("SIGINT");
        assumeInterruptible(group);
        String repo = repo("test-" + signal.toLowerCase());
        CliProcess run = CliProcess.build(work.resolve("run"), group, EXAMPLE.toString(), "--image", image(repo),
                "--tag", "v1", "--platforms", "linux/amd64,linux/arm64", "--test", "echo test-started-$MULTIARCH_ARCH; sleep 300");
        assertThat(run.awaitOutput("test-started-arm64", Duration.ofMinutes(3))).as(run.output()).isTrue();
        assertThat(run.awaitOutput("test-started-amd64", Duration.ofMinutes(1))).as(run.output()).isTrue();
        String runId = run.runId();
        assertThat(CliProcess.containersOf(runId)).as("the tests run").hasSize(2);

        send(run, signal, group);
        int exit = run.waitFor(Duration.ofMinutes(2));

        assertStoppedCleanly(run, runId, signal, exit, expectedExit, repo);
        // the images were built and pushed: the report keeps their digests
        assertThat(platform(run.report(), "linux/arm64").path("digest").asText()).startsWith("sha256:");
    }

    private static void send(CliProcess run, String signal, boolean group) throws IOException, InterruptedException {
        String name = signal.substring(3);
        if (group) {
            run.signalGroup(name); // Ctrl-C: the terminal signals the whole foreground group
        } else {
            run.signal(name); // a CI system's abort: the CLI's process alone
        }
    }

    private static void assumeInterruptible(boolean group) throws IOException {
        if (group) {
            // a process started with SIGINT ignored (a background job of a shell script) keeps it ignored
            String status = Files.readString(Path.of("/proc/self/status"));
            String ignored = status.substring(status.indexOf("SigIgn:") + 7).strip().split("\\s+")[0];
            assumeThat(Long.parseLong(ignored, 16) & 2L).as("SIGINT is ignored where this test runs").isZero();
        }
    }

    private static void assertStoppedCleanly(CliProcess run, String runId, String signal, int exit, int expectedExit,
                                             String repo) throws Exception {
        assertThat(exit).as(run.output()).isEqualTo(expectedExit);
        assertThat(run.hasReport()).as("report.json written; output:\n%s", run.output()).isTrue();
        JsonNode report = run.report();
        assertThat(report.path("interrupted").asText()).isEqualTo(signal);
        assertThat(report.path("published").asBoolean()).isFalse();
        assertThat(report.path("runId").asText()).isEqualTo(runId);
        assertThat(direct.digest(repo, "v1")).isEmpty();
        assertNothingLeft(runId);
    }

    /** No process mentions the run any more, and no container of it exists (given a few seconds to go). */
    private static void assertNothingLeft(String runId) throws Exception {
        List<String> processes = List.of();
        List<String> containers = List.of();
        for (int i = 0; i < 50; i++) {
            processes = CliProcess.processesMentioning(runId);
            containers = CliProcess.containersOf(runId);
            if (processes.isEmpty() && containers.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        assertThat(processes).as("processes of run %s still running", runId).isEmpty();
        assertThat(containers).as("containers of run %s left", runId).isEmpty();
    }

    @Test
    void shouldLetTheNextRunRemoveTheContainersOfARunWhoseProcessWasKilled() throws Exception {
        // Given a run killed with SIGKILL mid-test: no handler runs, its container stays
        String repo = repo("sigkill");
        CliProcess killed = cli("killed", EXAMPLE.toString(), "--image", image(repo), "--tag", "v1",
                "--platforms", "linux/amd64", "--test", "echo test-started; sleep 300");
        assertThat(killed.awaitOutput("test-started", Duration.ofMinutes(3))).as(killed.output()).isTrue();
        String runId = killed.runId();
        killed.signal("KILL");
        killed.waitFor(Duration.ofSeconds(30));
        assertThat(CliProcess.containersOf(runId)).as("left by the killed run").hasSize(1);

        // When the next run starts
        CliProcess next = cli("next", EXAMPLE.toString(), "--image", image(repo), "--tag", "v1", "--platforms", "linux/amd64");
        int exit = next.waitFor(RUN_LIMIT);

        // Then it removed that container (and with it the docker run client that waited on it)
        assertThat(exit).as(next.output()).isZero();
        assertThat(next.output()).contains("removed 1 container(s) left by multiarch runs whose process had died");
        assertNothingLeft(runId);
    }

    // --- tests that kill themselves, timeouts ---------------------------------------------------------

    @Test
    void shouldFailATestThatKillsItselfWithItsSignalNativelyAndUnderQemuAlike() throws Exception {
        // before: natively the test (PID 1) survived and passed; under QEMU it hung until the test timeout
        String repo = repo("segv");
        CliProcess run = cli("run", EXAMPLE.toString(), "--image", image(repo), "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64", "--test", "kill -SEGV $$", "--test-timeout", "60");
        int exit = run.waitFor(RUN_LIMIT);

        assertThat(exit).as(run.output()).isEqualTo(ExitCodes.FAILED);
        for (String p : List.of("linux/amd64", "linux/arm64")) {
            JsonNode r = platform(run.report(), p);
            assertThat(r.path("status").asText()).as(p).isEqualTo("failed");
            assertThat(r.path("test").path("timedOut").asBoolean()).as(p).isFalse();
            assertThat(r.path("test").path("exitCode").asInt()).as(p).isEqualTo(139);
            assertThat(r.path("test").path("signal").asText()).as(p).isEqualTo("SIGSEGV");
            assertThat(r.path("message").asText()).as(p).startsWith("the test was killed by SIGSEGV");
        }
    }

    @Test
    void shouldEndATestThatIgnoresSigtermSoonAfterItsTimeout() throws Exception {
        // before: a 5 s timeout measured 15.7 s (10 s between SIGTERM and SIGKILL)
        String repo = repo("timeout");
        CliProcess run = cli("run", EXAMPLE.toString(), "--image", image(repo), "--tag", "v1",
                "--platforms", "linux/arm64", "--test", "trap '' TERM INT; echo test-started; sleep 120", "--test-timeout", "5");
        int exit = run.waitFor(RUN_LIMIT);

        assertThat(exit).as(run.output()).isEqualTo(ExitCodes.FAILED);
        JsonNode test = platform(run.report(), "linux/arm64").path("test");
        assertThat(test.path("timedOut").asBoolean()).isTrue();
        // a loose bound well below the old overshoot: 5 s + about 1 s, with room for a loaded machine
        assertThat(test.path("seconds").asDouble()).isLessThan(9.0);
        assertNothingLeft(run.runId());
    }

    // --- fail-fast, permanent failures -----------------------------------------------------------------

    @Test
    void shouldReportThePlatformAFailFastStoppedAfterItsPushWithItsDigest() throws Exception {
        String repo = repo("failfast");
        CliProcess run = cli("run", EXAMPLE.toString(), "--image", image(repo), "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64", "--fail-fast",
                "--test", "if [ \"$MULTIARCH_ARCH\" = amd64 ]; then sleep 5; exit 1; fi; sleep 120");
        int exit = run.waitFor(RUN_LIMIT);

        assertThat(exit).as(run.output()).isEqualTo(ExitCodes.FAILED);
        JsonNode arm64 = platform(run.report(), "linux/arm64");
        assertThat(arm64.path("status").asText()).isEqualTo("skipped");
        assertThat(arm64.path("message").asText()).startsWith("built and pushed, but its test was stopped: fail-fast");
        // the digest it reports is the arm64 image the registry holds under the run's temporary tag
        String tempTag = arm64.path("tempTag").asText();
        assertThat(direct.manifest(repo, tempTag).path("manifests").findValuesAsText("digest"))
                .contains(arm64.path("digest").asText());
        assertNothingLeft(run.runId());
    }

    @Test
    void shouldNotBuildADockerfileThatDoesNotParseMoreThanOnce() throws Exception {
        // before: the batch, then each platform alone, then the emulated retry: four builds
        Path context = context("ctx", "FROM busybox\nRUNN echo hi\n");
        CliProcess run = cli("run", context.toString(), "--image", image(repo("syntax")), "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64");
        int exit = run.waitFor(RUN_LIMIT);

        assertThat(exit).as(run.output()).isEqualTo(ExitCodes.FAILED);
        assertThat(buildsStarted(run)).as(run.output()).isEqualTo(1);
        assertThat(platform(run.report(), "linux/arm64").path("message").asText()).contains("the Dockerfile does not parse");
    }

    @Test
    void shouldNotBuildAgainForARegistryThatRefusesTheConnection() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliProcess run = cli("run", EXAMPLE.toString(), "--image", "127.0.0.1:" + closed + "/it/refused", "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64", "--no-registry-cache");
        int exit = run.waitFor(RUN_LIMIT);

        assertThat(exit).as(run.output()).isEqualTo(ExitCodes.FAILED);
        assertThat(buildsStarted(run)).as(run.output()).isEqualTo(1);
        assertThat(platform(run.report(), "linux/amd64").path("message").asText()).contains("refused the connection");
    }

    /** Every {@code docker buildx build} prints {@code #0 building with "default" instance} first. */
    private static long buildsStarted(CliProcess run) throws IOException {
        return run.output().lines().filter(l -> l.contains("#0 building with ")).count();
    }

    // --- two runs on one tag ----------------------------------------------------------------------------

    @Test
    void shouldLeaveTheTagOnAWholeIndexOfOneOfTwoRunsPublishingAtOnce() throws Exception {
        String repo = repo("concurrent");
        List<CliProcess> runs = new ArrayList<>();
        for (String greeting : List.of("one", "two")) {
            runs.add(cli(greeting, EXAMPLE.toString(), "--image", image(repo), "--tag", "shared",
                    "--platforms", "linux/amd64,linux/arm64", "--build-arg", "GREETING=" + greeting, "--test", "arch-test"));
        }
        List<String> published = new ArrayList<>();
        for (CliProcess run : runs) {
            int exit = run.waitFor(RUN_LIMIT);
            JsonNode report = run.report();
            assertThat(exit).as(run.output()).isIn(ExitCodes.PUBLISHED, ExitCodes.FAILED);
            assertThat(report.path("tagsLeftChanged").asBoolean()).isFalse();
            if (report.path("published").asBoolean()) {
                published.add(report.path("indexDigest").asText());
            } else {
                assertThat(report.path("publishMessage").asText()).contains("moved by someone else");
            }
        }
        // the tag serves the index of a run that says it published it, and that index is whole
        assertThat(published).isNotEmpty();
        String served = direct.digest(repo, "shared").orElseThrow();
        assertThat(published).contains(served);
        assertThat(direct.platforms(repo, served)).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        for (String digest : published) {
            assertThat(direct.platforms(repo, digest)).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        }
    }

    // --- output: a 300 MB line, control characters --------------------------------------------------------

    @Test
    void shouldKeepMemoryBoundedWhenATestPrintsOne300MbLine() throws Exception {
        // before: the CLI reached 2.5 GB resident
        String repo = repo("longline");
        CliProcess run = cli("run", EXAMPLE.toString(), "--image", image(repo), "--tag", "v1", "--platforms", "linux/amd64",
                "--test", "head -c 300000000 /dev/zero | tr '\\0' x; echo; echo line-done");
        int exit = run.waitFor(RUN_LIMIT);

        assertThat(exit).as("exit; peak %d KiB", run.peakRssKb()).isZero();
        assertThat(run.peakRssKb()).as("peak resident memory in KiB").isPositive().isLessThan(700 * 1024);
        // the console got the line's end with the count of what was dropped; the report keeps the output's last 64 KiB
        String console = run.output();
        assertThat(console.contains("[linux/amd64] […" + (300_000_000 - 64 * 1024) + " characters dropped] xxx"))
                .as("the console shows the count of characters dropped").isTrue();
        String output = platform(run.report(), "linux/amd64").path("test").path("output").asText();
        assertThat(output.length()).as("test output kept in the report").isLessThan(70_000);
        assertThat(output.endsWith("line-done\n")).as("the report's test output ends with the last line").isTrue();
    }

    @Test
    void shouldMakeControlCharactersOfATestInertOnTheConsole() throws Exception {
        // a test that moves the cursor up, erases the line and forges a publish line
        String repo = repo("ansi");
        CliProcess run = cli("run", EXAMPLE.toString(), "--image", image(repo), "--tag", "v1", "--platforms", "linux/amd64",
                "--test", "printf 'ok\\033[1A\\033[2K\\r[publish] published sha256:forged\\n'");
        int exit = run.waitFor(RUN_LIMIT);

        assertThat(exit).as(run.output()).isZero();
        String output = run.output();
        assertThat(output.chars().filter(c -> c < 0x20 && c != '\n' && c != '\t')).as("raw control characters").isEmpty();
        assertThat(output.lines()).noneMatch(l -> l.startsWith("[publish] published sha256:forged"));
        assertThat(output).contains("[linux/amd64] ok\\x0d[publish] published sha256:forged");
    }
}
