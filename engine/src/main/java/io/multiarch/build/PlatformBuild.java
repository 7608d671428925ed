package io.multiarch.build;

import io.multiarch.binfmt.BinfmtTable;
import io.multiarch.buildx.BuildMetadata;
import io.multiarch.buildx.BuildProgress;
import io.multiarch.buildx.BuildxCommands;
import io.multiarch.plan.PlatformTask;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.registry.Registry;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.Digest;
import io.multiarch.request.TestSpec;
import io.multiarch.result.ImageSize;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.Status;
import io.multiarch.result.TestOutcome;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One platform's whole share of a run, on one machine: make sure it can run the platform (binfmt), build and
 * push the image (retrying emulated builds), measure it, and run the test inside it in that architecture.
 * Never throws for a failure of the platform: every outcome is a {@link PlatformResult}.
 */
public final class PlatformBuild {
    private final BuildRequest request;
    private final String runId;
    private final PlatformTask task;
    private final AgentContext agent;
    private final BuildxCommands commands;
    private final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What a successful build pushed, once it has: what a stopped platform still reports. */
    private volatile Pushed built;
    /** What the run's first tag served before the run: the run's own, shared by its platforms, or this platform's. */
    private PreviousIndex previous;
    /** Where the removal of its temporary tag's local name goes; null: removed here. */
    private TagRemovals removals;
    /** The image size, looked up from the moment the image is pushed, and the digest it is of. */
    private CompletableFuture<ImageSize> size;
    private String sizeDigest;
    /** What it did when: its row of the run's chart. */
    private final PlatformPhases phases = new PlatformPhases();

    public PlatformBuild(BuildRequest request, String runId, PlatformTask task, AgentContext agent) {
        this.request = request;
        this.runId = runId;
        this.task = task;
        this.agent = agent;
        this.commands = new BuildxCommands(agent.docker(), request);
        this.previous = new PreviousIndex(agent.registry(), request);
    }

    /**
     * Hands the removal of its temporary tag's local name to {@code removals}, which runs it beside what follows; without
     * this (the plugin's stage), the platform removes it itself before it ends.
     */
    PlatformBuild handingTagsTo(TagRemovals removals) {
        this.removals = removals;
        return this;
    }

    /** Measures the size change against {@code index}, read once for every platform of the run. */
    PlatformBuild sharing(PreviousIndex index) {
        this.previous = index;
        return this;
    }

    /** The commands a real run would execute for this platform, in order, for {@code --dry-run}. */
    public List<Command> plannedCommands(String metadataFile) {
        List<Command> list = new ArrayList<>();
        list.add(commands.build(task, agent.toolchain().pushByDigest(), metadataFile));
        request.test().ifPresent(t -> list.add(commands.test(task.platform(), runId, "sha256:<digest>", t)));
        return list;
    }

    public PlatformResult run() throws InterruptedException {
        EmulatorCheck check = checkEmulator();
        if (check.failure() != null) {
            return failedBefore(check.seconds(), check.failure());
        }
        return buildAndTest(check.seconds());
    }

    /** @param failure why the platform cannot run here, or null when it can */
    record EmulatorCheck(String failure, double seconds) {
    }

    /** {@link EmulatorSetup#ensure}, timed. */
    EmulatorCheck checkEmulator() throws InterruptedException {
        return checkEmulator(null);
    }

    /**
     * {@link #checkEmulator()} against {@code table}, the agent's binfmt_misc table as just read, when not null: a
     * batch reads it once for all its platforms. An emulator installed here is checked against a fresh read.
     */
    EmulatorCheck checkEmulator(BinfmtTable table) throws InterruptedException {
        long t0 = System.nanoTime();
        String failure = new EmulatorSetup(request, agent, task.platform()).ensure(table);
        long t1 = System.nanoTime();
        phases.add("binfmt", t0, t1);
        agent.timeline().add(task.platform() + ": binfmt check", t0, t1);
        return new EmulatorCheck(failure, seconds(t0));
    }

    /** Whether this platform's emulator is checked (and installed where missing) before its build. */
    boolean checksEmulator() {
        return EmulatorSetup.checks(request, agent, task.platform());
    }

    /** Whether the platform runs under QEMU on this machine. */
    boolean emulated() {
        return !agent.toolchain().nativePlatforms().contains(task.platform());
    }

    PlatformTask task() {
        return task;
    }

    /** The build (with retries), then {@link #finish}; for a platform whose emulator was already checked. */
    PlatformResult buildAndTest(double binfmtSeconds) throws InterruptedException {
        Platform platform = task.platform();
        String workDir = null;
        try {
            workDir = agent.files().createTempDirectory("multiarch-" + platform.slug() + "-");
            String metadataFile = workDir + "/metadata.json";
            long b0 = System.nanoTime();
            BuildAttempts policy = new BuildAttempts(emulated() ? request.emulatedRetries() : 0, 0);
            BuildAttempts.Outcome outcome = policy.run(agent, platform.toString(), request.registryCache(), cacheTo -> {
                BuildProgress progress = new BuildProgress(agent.timeline(), platform + ": ").whenPushed(this::sizeOf);
                try (var phase = agent.timeline().start(platform + ": buildx build")) {
                    return new BuildAttempts.Attempt(agent.docker().run(commands.build(task, agent.toolchain().pushByDigest(),
                            metadataFile, request.registryCache(), cacheTo), agent.output().andThen(progress)), progress);
                }
            });
            notes.addAll(outcome.notes());
            outcome.permanent().ifPresent(why -> notes.add("not retried: " + why));
            CommandResult build = outcome.last().build();
            BuildProgress progress = outcome.last().progress();
            int attempts = outcome.attempts();
            double wall = Math.max(seconds(b0), build.elapsed().toNanos() / 1e9);
            double pushSeconds = Math.min(progress.pushSeconds(), build.elapsed().toNanos() / 1e9);
            double buildSeconds = wall - pushSeconds;
            buildAndPush(b0, System.nanoTime(), pushSeconds);
            Optional<String> otherBuilder = BuildAttempts.otherBuilder(progress, agent.toolchain());
            if (otherBuilder.isPresent()) {
                agent.output().line(otherBuilder.get(), true);
                return failed(new Timings(attempts, binfmtSeconds, buildSeconds, pushSeconds), otherBuilder.get());
            }
            if (!build.succeeded()) {
                String why = build.timedOut()
                        ? "the build timed out after " + request.platformTimeout().toMinutes() + " min"
                        : "the build failed (exit " + build.exitCode() + ", " + attempts + " attempt" + (attempts > 1 ? "s" : "") + "): "
                        + lastLine(build);
                return failed(new Timings(attempts, binfmtSeconds, buildSeconds, pushSeconds), why);
            }
            String digest = Digest.parse(BuildMetadata.parse(agent.files().read(metadataFile)).digest()).value();
            boolean tagged = !agent.toolchain().pushByDigest();
            PlatformResult result = finish(new Pushed(digest, new Timings(attempts, binfmtSeconds, buildSeconds, pushSeconds), tagged ? task.tempTag() : ""));
            if (tagged) {
                // its own temporary tag's local name, no longer read once its test is over (a batch's goes with the batch)
                String name = request.image().fullName() + ":" + task.tempTag();
                String phase = platform + ": local temporary tag removed";
                if (removals != null) {
                    removals.register(agent, name, phase).start();
                } else {
                    try (var p = agent.timeline().start(phase)) {
                        LocalTags.remove(agent, List.of(name));
                    }
                }
            }
            return result;
        } catch (IOException | RuntimeException e) {
            return failedBefore(binfmtSeconds, e.getMessage());
        } finally {
            if (workDir != null) {
                agent.removeWorkDir(workDir);
            }
        }
    }

    /**
     * What follows a successful build: the image size (looked up while the test runs) and the test in the
     * platform's architecture.
     */
    PlatformResult finish(Pushed pushed) throws InterruptedException {
        pushed(pushed);
        String digest = pushed.digest();
        SizeLookup sizes = sizes(agent.registry());
        CompletableFuture<ImageSize> size = sizeOf(digest);
        try {
            Optional<TestOutcome> test = Optional.empty();
            String why = "";
            if (request.test().isPresent()) {
                long t0 = System.nanoTime();
                TestOutcome outcome = runTest(task.platform(), digest, request.test().get());
                phases.add("test", t0, System.nanoTime());
                test = Optional.of(outcome);
                if (!outcome.passed()) {
                    why = outcome.timedOut()
                            ? "the test timed out after " + request.testTimeout().toSeconds() + " s"
                            : outcome.signal().map(sig -> "the test was killed by " + sig + " (exit code "
                                    + outcome.exitCode() + ")").orElse("the test failed with exit code " + outcome.exitCode());
                }
            }
            ImageSize measured = sizes.budgeted(sizes.join(size));
            String overBudget = SizeLookup.overBudget(measured);
            boolean fails = !why.isEmpty() || !overBudget.isEmpty() && !measured.budgetWarnOnly();
            if (!overBudget.isEmpty()) {
                agent.output().line(overBudget, true);
                why = why.isEmpty() ? overBudget : why + "; " + overBudget;
            }
            return result(fails ? Status.FAILED : Status.PASSED, pushed, measured, test, why);
        } catch (IOException | RuntimeException e) {
            return result(Status.FAILED, pushed, sizes.budgeted(sizes.join(size)),
                    Optional.empty(), e.getMessage());
        } finally {
            size.cancel(true);
        }
    }

    /**
     * Records that the platform's image is pushed (by a build of its own or a batch), before its test, and starts the
     * look-up of its size: a batch's platforms all look theirs up at once, not as the pool takes up each one.
     */
    void pushed(Pushed pushed) {
        this.built = pushed;
        sizeOf(pushed.digest());
    }

    /**
     * Starts the size look-up of {@code digest} before the build has ended: its exporter reported it pushed, and
     * buildx is still exporting the cache or pushing again. The look-up is used only if the build ends with that digest.
     * It reads through {@code registry}: the agent's, or one that has read the image ahead ({@link ReadAhead}).
     */
    void lookUpSizeEarly(String digest, Registry registry) {
        sizeOf(digest, registry);
    }

    private CompletableFuture<ImageSize> sizeOf(String digest) {
        return sizeOf(digest, agent.registry());
    }

    private synchronized CompletableFuture<ImageSize> sizeOf(String digest, Registry registry) {
        if (size == null || !digest.equals(sizeDigest)) {
            if (size != null) {
                size.cancel(true);
            }
            size = sizes(registry).start(digest);
            sizeDigest = digest;
        }
        return size;
    }

    private SizeLookup sizes(Registry registry) {
        return new SizeLookup(request, task, agent, previous, registry);
    }

    /**
     * The result of a platform stopped from outside (fail-fast, an interrupted run) before it ended, with what it
     * really did: a platform whose image was pushed keeps its digest and timings, though its test did not complete.
     *
     * @param why what stopped it, e.g. {@code fail-fast after linux/amd64 failed}
     * @param started whether its work had begun (else it never started)
     */
    PlatformResult stopped(String why, boolean started) {
        Pushed b = built;
        if (b == null) {
            return PlatformResult.skipped(task.platform(), task.required(), emulated(), (started ? "stopped: " : "not started: ") + why);
        }
        return result(Status.SKIPPED, b, ImageSize.UNKNOWN,
                Optional.empty(), "built and pushed, but its test " + (started ? "was stopped: " : "never started: ") + why);
    }

    /** A failure before any image was pushed: the emulator check, a batch, or the build machinery itself. */
    PlatformResult failedBefore(double binfmtSeconds, String why) {
        return failed(Timings.before(binfmtSeconds), why);
    }

    /** A build from {@code start} to {@code end} whose last {@code pushSeconds} were its push. */
    void buildAndPush(long start, long end, double pushSeconds) {
        phases.buildAndPush(start, end, pushSeconds);
    }

    /**
     * The phases recorded so far, in seconds since {@code runStartNanos} (on {@link System#nanoTime()}'s clock): for
     * a front end that runs each platform on its own and draws the run's timeline itself (the Jenkins plugin).
     */
    public List<io.multiarch.result.Phase> phases(long runStartNanos) {
        return phases.since(runStartNanos);
    }

    /** Notes to show in the platform's result, e.g. how a batch built it. */
    void note(String text) {
        notes.add(text);
    }

    private TestOutcome runTest(Platform platform, String digest, TestSpec spec) throws IOException, InterruptedException {
        Command c = commands.test(platform, runId, digest, spec);
        CommandResult r;
        try (var phase = agent.timeline().start(platform + ": test")) {
            r = agent.docker().run(c, agent.output());
        }
        String output = r.stdout() + (r.stderr().isEmpty() ? "" : r.stderr());
        return new TestOutcome(spec.display(), r.timedOut() ? -1 : r.exitCode(), r.timedOut(),
                r.elapsed().toMillis() / 1000.0, output);
    }

    /** A failure before anything was pushed. */
    private PlatformResult failed(Timings t, String message) {
        return result(Status.FAILED, new Pushed("", t, ""), ImageSize.UNKNOWN, Optional.empty(), message);
    }

    private PlatformResult result(Status status, Pushed pushed, ImageSize size, Optional<TestOutcome> test, String message) {
        Timings t = pushed.timings();
        String digest = pushed.digest();
        List<String> all = new ArrayList<>();
        if (!message.isEmpty()) {
            all.add(message);
        }
        all.addAll(notes);
        return new PlatformResult(task.platform(), task.required(), status, digest, emulated(), agent.agent(), t.attempts(),
                t.binfmtSeconds(), t.buildSeconds(), t.pushSeconds(), size, digest.isEmpty() ? "" : pushed.tempTag(), test,
                String.join("; ", all));
    }

    private static String lastLine(CommandResult r) {
        return r.tail(3).replace('\n', ' ');
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
