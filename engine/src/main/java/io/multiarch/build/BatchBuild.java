package io.multiarch.build;

import io.multiarch.binfmt.BinfmtTable;
import io.multiarch.buildx.BuildFailure;
import io.multiarch.buildx.BuildMetadata;
import io.multiarch.buildx.BuildProgress;
import io.multiarch.buildx.BuildxCommands;
import io.multiarch.buildx.Descriptor;
import io.multiarch.buildx.Manifest;
import io.multiarch.plan.PlatformTask;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.Digest;
import io.multiarch.result.PlatformResult;
import io.multiarch.timeline.Timeline;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several platforms that build on the same docker endpoint, built in one {@code docker buildx build}: one BuildKit
 * session, one context upload, one push of an index, as the one-line command does. Per-platform builds cost a
 * session, an export and a push each, and the daemon runs them largely one after another; a batch costs them once.
 *
 * <p>Each member's emulator is checked first; a member that cannot run fails alone and the rest are built. After
 * the build, each member's image digest is read from the pushed index, and its test runs on its own as after a
 * per-platform build. When the batch fails, the batch cannot say which platform broke it, so each member is built
 * again on its own ({@link PlatformBuild}, with its retries): a failing optional platform then drops out alone.
 * A batch that failed only in its push (see {@link BuildProgress#failedOnlyWhilePushing()}) is first run again, up
 * to {@link #PUSH_RETRIES} times: every step is cached by then, so a retry costs a push. A batch that times out
 * fails all its members, and so does a failure that building again cannot change ({@link BuildFailure#permanent}: a
 * Dockerfile that does not parse, a registry that refuses the connection).
 */
final class BatchBuild {
    /** Rebuilds (all cached) of a batch that failed only in its push, before building each platform alone. */
    static final int PUSH_RETRIES = 2;

    /** What became of a batch: members done already, members whose image is built, members to build alone. */
    record Outcome(Map<Platform, PlatformResult> done, Map<PlatformBuild, Pushed> built,
                   Map<PlatformBuild, Double> alone, Optional<PushedIndex> index) {
        Outcome(Map<Platform, PlatformResult> done, Map<PlatformBuild, Pushed> built, Map<PlatformBuild, Double> alone) {
            this(done, built, alone, Optional.empty());
        }
    }

    /** The index a successful batch pushed, exactly as the registry serves it, and its digest there. */
    record PushedIndex(String digest, String raw) {
    }


    private final BuildRequest request;
    private final RunPlan plan;
    private final int number;
    private final List<PlatformBuild> members;
    private final AgentContext agent;
    private final BuildxCommands commands;
    private final FinishingBuilds finishing;
    /** The early look of the last build attempt. */
    private volatile EarlyLook early;
    /** The thread that runs the batch's process to its end when it was handed over, else null. */
    private volatile Thread handedOver;

    BatchBuild(BuildRequest request, RunPlan plan, int number, List<PlatformBuild> members, AgentContext agent,
               FinishingBuilds finishing) {
        this.request = request;
        this.plan = plan;
        this.number = number;
        this.members = List.copyOf(members);
        this.agent = agent;
        this.commands = new BuildxCommands(agent.docker(), request);
        this.finishing = finishing;
    }

    /** The batch's build command, for {@code --dry-run}. */
    Command plannedCommand(String metadataFile) {
        List<PlatformTask> tasks = members.stream().map(PlatformBuild::task).toList();
        return commands.batchBuild(tasks, RunPlan.batchCacheTag(tasks), plan.batchTag(number),
                agent.toolchain().pushByDigest(), metadataFile, true);
    }

    Outcome run() throws InterruptedException {
        Map<Platform, PlatformResult> done = new LinkedHashMap<>();
        Map<PlatformBuild, Double> runnable = new LinkedHashMap<>();
        // the agent's binfmt_misc table, read once for every platform of the batch
        BinfmtTable table = null;
        if (members.stream().anyMatch(PlatformBuild::checksEmulator)) {
            try {
                table = BinfmtTable.read(agent.files(), agent.binfmtDir());
            } catch (IOException e) {
                agent.output().line("could not read binfmt_misc at " + agent.binfmtDir() + " (" + e.getMessage()
                        + "): each platform reads it again", true);
            }
        }
        for (PlatformBuild m : members) {
            PlatformBuild.EmulatorCheck check = m.checkEmulator(table);
            if (check.failure() == null) {
                runnable.put(m, check.seconds());
            } else {
                done.put(m.task().platform(), m.failedBefore(check.seconds(), check.failure()));
            }
        }
        if (runnable.size() < 2) {
            return new Outcome(done, Map.of(), runnable);
        }
        List<PlatformTask> tasks = runnable.keySet().stream().map(PlatformBuild::task).toList();
        agent.output().line("building " + String.join(", ", tasks.stream().map(t -> t.platform().toString()).toList())
                + " in one buildx build", false);

        String workDir = null;
        try {
            workDir = agent.files().createTempDirectory("multiarch-batch" + number + "-");
            String metadataFile = workDir + "/metadata.json";
            String cacheTag = RunPlan.batchCacheTag(tasks);
            boolean pushByDigest = agent.toolchain().pushByDigest();
            long b0 = System.nanoTime();
            String dir = workDir;
            BuildAttempts.Outcome outcome = new BuildAttempts(0, PUSH_RETRIES).run(agent, "the batch", request.registryCache(),
                    cacheTo -> attempt(tasks, cacheTag, dir, metadataFile, cacheTo));
            outcome.notes().forEach(note -> runnable.keySet().forEach(m -> m.note(note)));
            BuildProgress progress = outcome.last().progress();
            List<String> pushRetries = outcome.pushRetries();
            if (!pushRetries.isEmpty()) {
                String note = pushRetries.size() + " push retr" + (pushRetries.size() == 1 ? "y" : "ies") + " of batch " + number;
                runnable.keySet().forEach(m -> m.note(note));
            }
            Optional<BuildAttempts.HandedOver> handed = outcome.last().handedOver();
            if (handed.isPresent()) {
                workDir = null; // its metadata file is still to be written: the runner removes it at the process's end
                handedOver = handed.get().runner();
                finishing.add(handed.get().runner());
                return built(tasks, runnable, done, progress, b0, PlatformBuild.seconds(b0), handed.get().indexDigest(),
                        handed.get().indexRaw(), pushByDigest);
            }
            CommandResult build = outcome.last().build();
            double wall = Math.max(PlatformBuild.seconds(b0), build.elapsed().toNanos() / 1e9);
            if (build.timedOut()) {
                String why = "the batched build of " + tasks.size() + " platforms timed out after "
                        + request.platformTimeout().toMinutes() + " min";
                runnable.forEach((m, s) -> done.put(m.task().platform(), m.failedBefore(s, why)));
                return new Outcome(done, Map.of(), Map.of());
            }
            Optional<String> permanent = BuildFailure.permanent(build);
            if (permanent.isPresent()) {
                // the same for every platform and every attempt: building each alone would fail the same way
                String why = "the batched build failed (exit " + build.exitCode() + "), and building again cannot change "
                        + "that: " + permanent.get();
                agent.output().line(why + "; not built again", true);
                runnable.forEach((m, s) -> done.put(m.task().platform(), m.failedBefore(s, why)));
                return new Outcome(done, Map.of(), Map.of());
            }
            if (!build.succeeded()) {
                String why = "the batched build failed (exit " + build.exitCode() + "): " + build.tail(3).replace('\n', ' ');
                agent.output().line(why + "; building each of its platforms on its own to find which", true);
                runnable.keySet().forEach(m -> m.note("built on its own after batch " + number + " failed"));
                return new Outcome(done, Map.of(), runnable);
            }
            Optional<String> otherBuilder = BuildAttempts.otherBuilder(progress, agent.toolchain());
            if (otherBuilder.isPresent()) {
                agent.output().line(otherBuilder.get(), true);
                runnable.forEach((m, s) -> done.put(m.task().platform(), m.failedBefore(s, otherBuilder.get())));
                return new Outcome(done, Map.of(), Map.of());
            }
            String indexDigest = Digest.parse(BuildMetadata.parse(agent.files().read(metadataFile)).digest()).value();
            String indexRef = request.image().withDigest(indexDigest);
            String indexRaw;
            try (var phase = agent.timeline().start("batch " + number + ": read the pushed index")) {
                EarlyLook look = early;
                Optional<String> known = look != null ? look.indexFor(indexDigest) : Optional.empty();
                indexRaw = known.isPresent() ? known.get()
                        : agent.registry().read(indexRef).orElseThrow(() -> new IOException(indexRef + " is not in the registry"));
            }
            return built(tasks, runnable, done, progress, b0, wall, indexDigest, indexRaw, pushByDigest);
        } catch (IOException | RuntimeException e) {
            String why = "batch " + number + " failed: " + e.getMessage();
            runnable.forEach((m, s) -> done.put(m.task().platform(), m.failedBefore(s, why)));
            return new Outcome(done, Map.of(), Map.of());
        } finally {
            if (workDir != null) {
                agent.removeWorkDir(workDir);
            }
        }
    }

    /** The outcome of a batch that pushed {@code indexRaw}: each member's image in it, or its failure when it has none. */
    private Outcome built(List<PlatformTask> tasks, Map<PlatformBuild, Double> runnable, Map<Platform, PlatformResult> done,
                          BuildProgress progress, long b0, double wall, String indexDigest, String indexRaw, boolean pushByDigest)
            throws IOException {
        Manifest index = Manifest.parse(indexRaw);
        double push = Math.min(progress.pushSeconds(), wall);
        long end = System.nanoTime();
        runnable.keySet().forEach(m -> m.buildAndPush(b0, end, push));
        Map<PlatformBuild, Pushed> built = new LinkedHashMap<>();
        for (Map.Entry<PlatformBuild, Double> e : runnable.entrySet()) {
            PlatformBuild m = e.getKey();
            Platform p = m.task().platform();
            Optional<Descriptor> entry = index.imageFor(p);
            if (entry.isEmpty()) {
                done.put(p, m.failedBefore(e.getValue(), "the index batch " + number + " pushed (" + indexDigest
                        + ") has no image for " + p));
                continue;
            }
            m.note("built in batch " + number + " with " + (tasks.size() - 1) + " other platform"
                    + (tasks.size() > 2 ? "s" : "") + " (one buildx build, " + String.format(java.util.Locale.ROOT, "%.1f", wall) + " s)");
            double own = progress.platformSeconds(p).orElse(wall - push);
            built.put(m, new Pushed(entry.get().digest(), new Timings(1, e.getValue(), own, push), pushByDigest ? "" : plan.batchTag(number)));
        }
        return new Outcome(done, built, Map.of(), Optional.of(new PushedIndex(indexDigest, indexRaw)));
    }

    List<PlatformBuild> members() {
        return members;
    }

    /**
     * What a batch reads of its index as soon as the exporter reports it pushed, beside the rest of buildx's run (the
     * cache export, the {@code docker} driver's own push: some 0.5 s measured here): the index, then each platform's
     * size look-up. Used only when the build then ends with that digest; otherwise everything is read again.
     */
    private final class EarlyLook {
        private final List<PlatformBuild> built;
        private final CompletableFuture<Optional<String>> index = new CompletableFuture<>();
        /** The index read early, completed only when it has an image for every platform of the build. */
        private final CompletableFuture<String> whole = new CompletableFuture<>();
        private volatile String digest;

        EarlyLook(List<PlatformBuild> built) {
            this.built = built;
        }

        /**
         * Starts reading the index {@code pushed}, once: the first index the exporter reports; and beside it the image
         * manifests the exporter wrote ({@code exported}), each with its config, for the size look-ups.
         */
        void start(String pushed, List<String> exported) {
            if (digest != null) {
                return;
            }
            digest = pushed;
            ReadAhead ahead = new ReadAhead(agent.registry());
            exported.forEach(d -> ahead.start(request.image().withDigest(d)));
            Thread t = new Thread(() -> {
                Optional<String> raw = Optional.empty();
                try (var phase = agent.timeline().start("batch " + number + ": read the pushed index, early")) {
                    raw = agent.registry().read(request.image().withDigest(pushed));
                    if (raw.isPresent()) {
                        Manifest index = Manifest.parse(raw.get());
                        for (PlatformBuild m : built) {
                            index.imageFor(m.task().platform()).ifPresent(e -> m.lookUpSizeEarly(e.digest(), ahead));
                        }
                        if (built.stream().allMatch(m -> index.imageFor(m.task().platform()).isPresent())) {
                            whole.complete(raw.get());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    raw = Optional.empty(); // read again once the build has ended
                } catch (InterruptedException e) {
                    raw = Optional.empty();
                } finally {
                    index.complete(raw);
                }
            }, "multiarch-early-index");
            t.setDaemon(true);
            t.start();
        }

        /** The index read early, when it is {@code indexDigest}'s; empty when not read, or another digest's. */
        Optional<String> indexFor(String indexDigest) throws InterruptedException {
            if (!indexDigest.equals(digest)) {
                return Optional.empty();
            }
            try {
                return index.get();
            } catch (ExecutionException e) {
                return Optional.empty();
            }
        }
    }

    /** Whether its platforms are tested after it (their tests read the image the batch stored locally). */
    boolean tested() {
        return request.test().isPresent();
    }

    /**
     * The removal, registered with {@code removals} and not started, of the name under which the {@code docker} driver
     * stored the batch's image in the machine's image store (its temporary tag); empty when it pushed by digest or
     * built nothing.
     */
    Optional<TagRemovals.Removal> localNameRemoval(Outcome outcome, TagRemovals removals) {
        if (outcome.built().isEmpty() || agent.toolchain().pushByDigest()) {
            return Optional.empty();
        }
        // the docker driver's own push, at the end of a handed-over process, reads the name: removed after it
        return Optional.of(removals.register(agent, request.image().fullName() + ":" + plan.batchTag(number),
                "batch " + number + ": local temporary tag removed", handedOver));
    }

    /**
     * Runs the build once. When the exporter reports the index pushed, and the registry serves it with an image for
     * every platform of the batch, the batch needs nothing more of the process: it is handed over
     * ({@link BuildAttempts.HandedOver}) and runs to its end on its own thread, which then removes {@code workDir}
     * ({@link FinishingBuilds}). Otherwise the attempt waits for the process to end, as a build that failed, or ran on
     * another builder than the toolchain's, must.
     */
    private BuildAttempts.Attempt attempt(List<PlatformTask> tasks, String cacheTag, String workDir, String metadataFile,
                                          boolean cacheTo) throws IOException, InterruptedException {
        EarlyLook look = new EarlyLook(members.stream().filter(m -> tasks.contains(m.task())).toList());
        early = look;
        BuildProgress progress = new BuildProgress(agent.timeline(), "batch " + number + ": ");
        progress.whenPushed(pushed -> look.start(pushed, progress.exportedManifests()));
        Command command = commands.batchBuild(tasks, cacheTag, plan.batchTag(number), agent.toolchain().pushByDigest(),
                metadataFile, cacheTo);
        Timeline.Phase phase = agent.timeline().start("batch " + number + ": buildx build");
        CompletableFuture<CommandResult> process = new CompletableFuture<>();
        // RUNNING until one side decides: the attempt takes the process's end (ENDED), or hands it over (HANDED_OVER)
        AtomicInteger state = new AtomicInteger(RUNNING);
        Thread runner = new Thread(() -> {
            try {
                process.complete(agent.docker().run(command, agent.output().andThen(progress)));
            } catch (IOException | InterruptedException | RuntimeException e) {
                process.completeExceptionally(e);
            }
            if (!state.compareAndSet(RUNNING, ENDED)) {
                afterHandOver(process, workDir);
            }
        }, "multiarch-batch" + number + "-buildx");
        runner.setDaemon(true);
        runner.start();
        try {
            try {
                CompletableFuture.anyOf(process, look.whole).get();
            } catch (ExecutionException e) {
                // the process could not be started: rethrown below, from its own future
            }
            if (!process.isDone() && look.whole.isDone() && BuildAttempts.otherBuilder(progress, agent.toolchain()).isEmpty()
                    && state.compareAndSet(RUNNING, HANDED_OVER)) {
                agent.output().line("the index " + look.digest + " is pushed and read back whole; the rest of buildx's run "
                        + "(the cache export) goes on beside what follows", false);
                return new BuildAttempts.Attempt(null, progress, Optional.of(new BuildAttempts.HandedOver(look.digest,
                        look.whole.getNow(null), runner)));
            }
            return new BuildAttempts.Attempt(process.get(), progress);
        } catch (InterruptedException e) {
            runner.interrupt(); // kills the process
            FinishingBuilds.joinUninterruptibly(runner);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            phase.close();
        }
    }

    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    private static final int HANDED_OVER = 2;

    /** On the runner, once a handed-over process has ended: says how, when it failed, and removes the work directory. */
    private void afterHandOver(CompletableFuture<CommandResult> process, String workDir) {
        String why = null;
        try {
            CommandResult r = process.getNow(null);
            if (r.timedOut()) {
                why = "timed out";
            } else if (!r.succeeded()) {
                why = "ended with exit " + r.exitCode() + ": " + r.tail(3).replace('\n', ' ');
            }
        } catch (java.util.concurrent.CompletionException e) {
            why = e.getCause() instanceof InterruptedException ? "was stopped" : "failed: " + e.getCause().getMessage();
        }
        if (why != null) {
            String said = "buildx " + why + ", after the batch's index was pushed and read back whole (the images "
                    + "are not affected; the registry cache may not have been exported)";
            agent.output().line(said, true);
            finishing.failed("batch " + number + ": " + said);
        }
        boolean interrupted = Thread.interrupted();
        try {
            agent.removeWorkDir(workDir);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
