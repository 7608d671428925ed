package io.multiarch.build;

import io.multiarch.binfmt.BinfmtInspector;
import io.multiarch.binfmt.BinfmtProvisioner;
import io.multiarch.binfmt.BinfmtTable;
import io.multiarch.binfmt.EmulatorStatus;
import io.multiarch.buildx.BuildFailure;
import io.multiarch.buildx.BuildMetadata;
import io.multiarch.buildx.BuildProgress;
import io.multiarch.buildx.BuildxCommands;
import io.multiarch.buildx.Descriptor;
import io.multiarch.buildx.ImageConfig;
import io.multiarch.buildx.Manifest;
import io.multiarch.plan.PlatformTask;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.request.BinfmtMode;
import io.multiarch.request.BuildRequest;
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
import java.util.concurrent.ExecutionException;

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
    private volatile String tempTag = "";
    /** What a successful build pushed, once it has: what a stopped platform still reports. */
    private volatile Built built;
    /** What it did when, on {@link System#nanoTime()}'s clock: for the run's timeline. */
    private final List<long[]> phaseTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> phaseNames = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A pushed image and what it took, before its test. */
    private record Built(String digest, int attempts, double binfmtSeconds, double buildSeconds, double pushSeconds) {
    }

    public PlatformBuild(BuildRequest request, String runId, PlatformTask task, AgentContext agent) {
        this.request = request;
        this.runId = runId;
        this.task = task;
        this.agent = agent;
        this.commands = new BuildxCommands(agent.docker(), request);
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

    /** {@link #ensureEmulator()}, timed. */
    EmulatorCheck checkEmulator() throws InterruptedException {
        long t0 = System.nanoTime();
        String failure = ensureEmulator();
        long t1 = System.nanoTime();
        phase("binfmt", t0, t1);
        agent.timeline().add(task.platform() + ": binfmt check", t0, t1);
        return new EmulatorCheck(failure, seconds(t0));
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
                BuildProgress progress = new BuildProgress(agent.timeline(), platform + ": ");
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
            if (!build.succeeded()) {
                String why = build.timedOut()
                        ? "the build timed out after " + request.platformTimeout().toMinutes() + " min"
                        : "the build failed (exit " + build.exitCode() + ", " + attempts + " attempt" + (attempts > 1 ? "s" : "") + "): "
                        + lastLine(build);
                return result(Status.FAILED, "", attempts, binfmtSeconds, buildSeconds, pushSeconds, ImageSize.UNKNOWN, Optional.empty(), why);
            }
            String digest = BuildMetadata.parse(agent.files().read(metadataFile)).digest();
            boolean tagged = !agent.toolchain().pushByDigest();
            return finish(digest, attempts, binfmtSeconds, buildSeconds, pushSeconds, tagged ? task.tempTag() : "");
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
     *
     * @param digest  the pushed image (or small index with its attestation) of this platform
     * @param tempTag the temporary tag it was pushed under, or empty when pushed by digest
     */
    PlatformResult finish(String digest, int attempts, double binfmtSeconds, double buildSeconds, double pushSeconds,
                          String tempTag) throws InterruptedException {
        pushed(digest, attempts, binfmtSeconds, buildSeconds, pushSeconds, tempTag);
        CompletableFuture<ImageSize> size = sizeLookup(digest);
        try {
            Optional<TestOutcome> test = Optional.empty();
            String why = "";
            if (request.test().isPresent()) {
                long t0 = System.nanoTime();
                TestOutcome outcome = runTest(task.platform(), digest, request.test().get());
                phase("test", t0, System.nanoTime());
                test = Optional.of(outcome);
                if (!outcome.passed()) {
                    why = outcome.timedOut()
                            ? "the test timed out after " + request.testTimeout().toSeconds() + " s"
                            : outcome.signal().map(sig -> "the test was killed by " + sig + " (exit code "
                                    + outcome.exitCode() + ")").orElse("the test failed with exit code " + outcome.exitCode());
                }
            }
            ImageSize measured = budgeted(join(size));
            String overBudget = overBudget(measured);
            boolean fails = !why.isEmpty() || !overBudget.isEmpty() && !measured.budgetWarnOnly();
            if (!overBudget.isEmpty()) {
                agent.output().line(overBudget, true);
                why = why.isEmpty() ? overBudget : why + "; " + overBudget;
            }
            return result(fails ? Status.FAILED : Status.PASSED, digest, attempts, binfmtSeconds, buildSeconds, pushSeconds,
                    measured, test, why);
        } catch (IOException | RuntimeException e) {
            return result(Status.FAILED, digest, attempts, binfmtSeconds, buildSeconds, pushSeconds, budgeted(join(size)),
                    Optional.empty(), e.getMessage());
        } finally {
            size.cancel(true);
        }
    }

    /** The size with this platform's budget, if it has one. */
    private ImageSize budgeted(ImageSize size) {
        java.util.OptionalLong budget = request.sizeBudget().forPlatform(task.platform());
        return budget.isPresent() ? size.withBudget(budget.getAsLong(), request.sizeBudget().warnOnly()) : size;
    }

    /** What is wrong with the size against the budget, {@code ""} when nothing is. */
    static String overBudget(ImageSize size) {
        if (!size.overBudget()) {
            return "";
        }
        String budget = "the size budget of " + ImageSize.format(size.budgetBytes());
        String what = !size.known()
                ? "the image size could not be read, so " + budget + " could not be checked"
                : "the image is " + ImageSize.format(size.bytes()) + " compressed, over " + budget
                + " by " + ImageSize.format(size.bytes() - size.budgetBytes());
        return what + (size.budgetWarnOnly() ? " (a warning only)" : "");
    }

    /** Records that the platform's image is pushed (by a build of its own or a batch), before its test. */
    void pushed(String digest, int attempts, double binfmtSeconds, double buildSeconds, double pushSeconds, String tempTag) {
        this.tempTag = tempTag;
        this.built = new Built(digest, attempts, binfmtSeconds, buildSeconds, pushSeconds);
    }

    /**
     * The result of a platform stopped from outside (fail-fast, an interrupted run) before it ended, with what it
     * really did: a platform whose image was pushed keeps its digest and timings, though its test did not complete.
     *
     * @param why what stopped it, e.g. {@code fail-fast after linux/amd64 failed}
     * @param started whether its work had begun (else it never started)
     */
    PlatformResult stopped(String why, boolean started) {
        Built b = built;
        if (b == null) {
            return PlatformResult.skipped(task.platform(), task.required(), emulated(), (started ? "stopped: " : "not started: ") + why);
        }
        return result(Status.SKIPPED, b.digest(), b.attempts(), b.binfmtSeconds(), b.buildSeconds(), b.pushSeconds(), ImageSize.UNKNOWN,
                Optional.empty(), "built and pushed, but its test " + (started ? "was stopped: " : "never started: ") + why);
    }

    /** A failure before any image was pushed: the emulator check, a batch, or the build machinery itself. */
    PlatformResult failedBefore(double binfmtSeconds, String why) {
        return result(Status.FAILED, "", 0, binfmtSeconds, 0, 0, ImageSize.UNKNOWN, Optional.empty(), why);
    }

    /** Records a phase for the run's timeline. */
    void phase(String name, long startNanos, long endNanos) {
        phaseNames.add(name);
        phaseTimes.add(new long[] {startNanos, endNanos});
    }

    /** A build from {@code start} to {@code end} whose last {@code pushSeconds} were its push. */
    void buildAndPush(long start, long end, double pushSeconds) {
        long push = Math.min(end - start, (long) (pushSeconds * 1e9));
        phase("build", start, end - push);
        if (push > 0) {
            phase("push", end - push, end);
        }
    }

    /** The phases recorded so far, in seconds since {@code runStartNanos}. */
    List<io.multiarch.result.Phase> phases(long runStartNanos) {
        List<io.multiarch.result.Phase> list = new ArrayList<>();
        for (int i = 0; i < Math.min(phaseNames.size(), phaseTimes.size()); i++) {
            long[] t = phaseTimes.get(i);
            list.add(new io.multiarch.result.Phase(phaseNames.get(i), (t[0] - runStartNanos) / 1e9, (t[1] - runStartNanos) / 1e9));
        }
        return list;
    }

    /** Notes to show in the platform's result, e.g. how a batch built it. */
    void note(String text) {
        notes.add(text);
    }

    /** @return null when the platform can run, else why not */
    private String ensureEmulator() throws InterruptedException {
        Platform platform = task.platform();
        if (!emulated() || request.binfmtMode() == BinfmtMode.OFF || agent.binfmtDir().isEmpty()) {
            return null;
        }
        try {
            EmulatorStatus status = inspect(platform);
            if (status.state() == EmulatorStatus.State.MISSING && request.binfmtMode() == BinfmtMode.INSTALL) {
                Command install = BinfmtProvisioner.installCommand(request.binfmtInstaller(), agent.docker(), List.of(platform));
                agent.output().line("registering the QEMU emulator for " + platform + ": " + install.display(), false);
                CommandResult r = agent.docker().run(install, agent.output());
                if (!r.succeeded()) {
                    return "registering the emulator for " + platform + " failed ('" + install.display() + "' exited "
                            + r.exitCode() + "): " + lastLine(r);
                }
                status = inspect(platform);
            }
            if (!status.runnable()) {
                return status.message();
            }
            agent.output().line("emulator for " + platform + ": binfmt_misc entry '" + status.entry() + "' (enabled, F flag)", false);
            return null;
        } catch (IOException e) {
            return "could not read binfmt_misc at " + agent.binfmtDir() + ": " + e.getMessage();
        }
    }

    private EmulatorStatus inspect(Platform platform) throws IOException, InterruptedException {
        BinfmtTable table = BinfmtTable.read(agent.files(), agent.binfmtDir());
        return BinfmtInspector.inspect(platform, agent.toolchain().nativePlatforms(), table);
    }

    /** Starts the size look-up on its own thread, so that it costs nothing next to the test. */
    private CompletableFuture<ImageSize> sizeLookup(String digest) {
        CompletableFuture<ImageSize> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(measure(digest));
            } catch (InterruptedException e) {
                f.complete(ImageSize.UNKNOWN);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "multiarch-size-" + task.platform().slug());
        t.setDaemon(true);
        t.start();
        return f;
    }

    private ImageSize join(CompletableFuture<ImageSize> size) throws InterruptedException {
        try {
            return size.get();
        } catch (ExecutionException e) {
            agent.output().line("could not read the image size: " + e.getCause().getMessage(), true);
            return ImageSize.UNKNOWN;
        }
    }

    /**
     * The image's size from the registry: the sum of the layer sizes of its manifest (the image entry inside the
     * small index that provenance makes), its biggest layers named by the build step in the config's history, and the
     * same platform's size in the index the run's first tag serves now, before the publish.
     */
    private ImageSize measure(String digest) throws InterruptedException {
        Platform platform = task.platform();
        Manifest m;
        String reference = request.image().withDigest(digest);
        try (var phase = agent.timeline().start(platform + ": read the image size")) {
            m = Manifest.parse(readManifest(reference));
            if (m.isIndex()) {
                Optional<Descriptor> image = m.imageFor(platform);
                if (image.isEmpty()) {
                    return ImageSize.UNKNOWN;
                }
                reference = request.image().withDigest(image.get().digest());
                m = Manifest.parse(readManifest(reference));
            }
        } catch (IOException e) {
            agent.output().line("could not read the image size: " + e.getMessage(), true);
            return ImageSize.UNKNOWN;
        }
        io.multiarch.request.Tag tag = request.tags().get(0);
        return new ImageSize(m.layersSize(), previousSize(tag), tag.value(), 0, false, biggestLayers(m, reference));
    }

    /** The biggest layers, biggest first, each with the step that made it (empty when the config cannot be read). */
    private List<ImageSize.Layer> biggestLayers(Manifest m, String reference) throws InterruptedException {
        if (m.layers() == null || m.layers().isEmpty()) {
            return List.of();
        }
        List<String> steps = List.of();
        try {
            steps = ImageConfig.parse(agent.docker().query(commands.inspectConfig(reference))).layerSteps();
        } catch (IOException e) {
            agent.output().line("could not read the image config, layers are named by digest only: " + e.getMessage(), true);
        }
        List<ImageSize.Layer> layers = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            Descriptor d = m.layers().get(i);
            // the history lists a step for every layer, in order, when it is complete; otherwise no step is named
            String step = steps.size() == m.layers().size() ? steps.get(i) : "";
            layers.add(new ImageSize.Layer(d.digest(), d.size(), step));
        }
        layers.sort(java.util.Comparator.comparingLong(ImageSize.Layer::bytes).reversed());
        return layers.subList(0, Math.min(ImageSize.BIGGEST_LAYERS, layers.size()));
    }

    /** This platform's size in the index {@code tag} serves; -1 when the tag, or the platform in it, is not there. */
    private long previousSize(io.multiarch.request.Tag tag) throws InterruptedException {
        try {
            Optional<String> served = agent.registry().read(request.image().withTag(tag));
            if (served.isEmpty()) {
                return -1;
            }
            Manifest previous = Manifest.parse(served.get());
            if (!previous.isIndex()) {
                return -1; // a single image: which platform it is would need its config; not compared
            }
            Optional<Descriptor> entry = previous.imageFor(task.platform());
            if (entry.isEmpty()) {
                return -1;
            }
            return Manifest.parse(readManifest(request.image().withDigest(entry.get().digest()))).layersSize();
        } catch (IOException e) {
            return -1; // a new tag ("not found"), or unreadable: nothing to compare with
        }
    }

    private String readManifest(String reference) throws IOException, InterruptedException {
        return agent.registry().read(reference).orElseThrow(() -> new IOException(reference + " is not in the registry"));
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

    private PlatformResult result(Status status, String digest, int attempts, double binfmtSeconds, double buildSeconds,
                                  double pushSeconds, ImageSize size, Optional<TestOutcome> test, String message) {
        List<String> all = new ArrayList<>();
        if (!message.isEmpty()) {
            all.add(message);
        }
        all.addAll(notes);
        return new PlatformResult(task.platform(), task.required(), status, digest, emulated(), agent.agent(), attempts,
                binfmtSeconds, buildSeconds, pushSeconds, size, digest.isEmpty() ? "" : tempTag, test,
                String.join("; ", all));
    }

    private static String lastLine(CommandResult r) {
        return r.tail(3).replace('\n', ' ');
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
