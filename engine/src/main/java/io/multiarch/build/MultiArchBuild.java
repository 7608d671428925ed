package io.multiarch.build;

import io.multiarch.plan.PlatformTask;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.OutputListener;
import io.multiarch.publish.Publisher;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.Tag;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.RunResult;
import io.multiarch.result.Status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A whole run on machines the caller provides, then the gated {@link Publisher}. Platforms that share a docker
 * endpoint are built together in a {@link BatchBuild} (unless {@link BuildRequest#batches()} says otherwise), the
 * others each in a {@link PlatformBuild}; builds and tests share a pool of {@link BuildRequest#concurrency()}
 * threads, in {@link RunPlan} order.
 * With fail-fast, the first required platform that fails stops the others (they end {@link Status#SKIPPED}, with
 * their digest if their image was already pushed). {@link #stop} stops a run from outside (a signal): running
 * builds and tests are killed and their containers removed, nothing is published, and {@link #run()} returns what
 * was done, marked {@link RunResult#interrupted()}.
 * The CLI runs it; the Jenkins plugin runs the same pieces in its own parallel stages.
 */
public final class MultiArchBuild {
    /** How long a stopped run waits for its builds and tests to end and clean up. */
    private static final long STOP_WAIT_SECONDS = 60;

    private final BuildRequest request;
    private final RunPlan plan;
    private final Function<Platform, AgentContext> agents;
    private final AgentContext publisher;
    private final Object lock = new Object();
    private Jobs jobs;
    private String stopReason;
    private Thread publishing;
    private volatile String heldBecause;
    private PublishGate gate = () -> Optional.empty();

    /**
     * Asked right before the publish, once every platform has ended: a reason not to publish (what the run was
     * planned on turned out wrong, e.g. a toolchain probed beside the build that differs from the one assumed), or
     * empty to go on. It may wait.
     */
    @FunctionalInterface
    public interface PublishGate {
        Optional<String> check() throws InterruptedException;
    }

    /** Sets the {@link PublishGate}; returns this. */
    public MultiArchBuild withPublishGate(PublishGate gate) {
        this.gate = gate;
        return this;
    }

    /**
     * @param agents    the machine each platform runs on (one local machine, or per-platform docker endpoints)
     * @param publisher the machine that runs the publish
     */
    public MultiArchBuild(BuildRequest request, RunPlan plan, Function<Platform, AgentContext> agents,
                          AgentContext publisher) {
        this.request = request;
        this.plan = plan;
        this.agents = agents;
        this.publisher = publisher;
    }

    /**
     * Builds and tests without publishing: {@link #run()} then returns the publish withheld with {@code reason}, for a
     * caller that decides later (the variants of an all-or-nothing matrix, see {@link MatrixBuild}).
     */
    public MultiArchBuild holdPublish(String reason) {
        this.heldBecause = reason;
        return this;
    }

    /**
     * Stops the run, from any thread: builds and tests under way are killed (their clean-up removes their
     * containers), nothing else starts, and nothing is published; a publish under way moves back the tags it moved.
     * {@link #run()} then returns with {@link RunResult#interrupted()} set to {@code reason}. The first call wins.
     */
    public void stop(String reason) {
        synchronized (lock) {
            if (stopReason != null) {
                return;
            }
            stopReason = reason;
            if (jobs != null) {
                jobs.stopAll("interrupted by " + reason);
            }
            if (publishing != null) {
                publishing.interrupt();
            }
        }
    }

    private String stopReason() {
        synchronized (lock) {
            return stopReason;
        }
    }

    /**
     * Runs every platform, then publishes. Interrupting the calling thread stops the run as {@link #stop} does; the
     * result is returned all the same, and the thread's interrupt flag is set again.
     */
    public RunResult run() throws InterruptedException {
        long t0 = System.nanoTime();
        List<Unit> units = units();
        Map<Platform, PlatformBuild> builds = new LinkedHashMap<>();
        for (Unit unit : units) {
            (unit.batch() != null ? unit.batch().members() : List.of(unit.alone())).forEach(b -> builds.put(b.task().platform(), b));
        }
        Jobs jobs = new Jobs(Math.min(request.concurrency(), plan.tasks().size()));
        synchronized (lock) {
            this.jobs = jobs;
            if (stopReason != null) {
                jobs.stopAll("interrupted by " + stopReason);
            }
        }
        boolean callerInterrupted = false;
        try {
            for (Unit unit : units) {
                if (unit.batch() != null) {
                    jobs.submitBatch(unit.batch());
                } else {
                    jobs.submit(unit.alone(), unit.alone()::run);
                }
            }
            jobs.awaitAll();
        } catch (InterruptedException e) {
            callerInterrupted = true;
            stop("an interrupt");
            jobs.awaitStopped();
        } finally {
            jobs.pool.shutdownNow();
        }
        List<PlatformResult> ordered = new ArrayList<>();
        for (Platform p : request.platforms()) {
            PlatformResult r = jobs.results.get(p);
            ordered.add(r != null ? r : builds.get(p).stopped(String.valueOf(jobs.stopReason.get()), false));
        }
        Publisher publish = new Publisher(publisher.docker(), request, prefixed(publisher.output(), "publish"),
                publisher.registry(), publisher.timeline());
        // one batch built every platform: its index is published as it is when every platform passed
        Optional<Publisher.PreparedIndex> prepared = jobs.pushedIndexes.size() == 1
                ? Optional.of(new Publisher.PreparedIndex(jobs.pushedIndexes.get(0).digest(), jobs.pushedIndexes.get(0).raw()))
                : Optional.empty();
        PublishResult published = null;
        if (stopReason() == null) {
            Optional<String> refused;
            try (var phase = publisher.timeline().start("publish gate")) {
                refused = gate.check();
            } catch (InterruptedException e) {
                callerInterrupted = true;
                stop("an interrupt");
                refused = Optional.empty();
            }
            if (refused.isPresent()) {
                published = publish.withhold(ordered, refused.get() + ": nothing was published, no tag was created or moved");
            }
        }
        synchronized (lock) {
            if (stopReason == null && heldBecause == null && published == null) {
                publishing = Thread.currentThread();
            }
        }
        long p0 = System.nanoTime();
        if (publishing != null) {
            try {
                try (var phase = publisher.timeline().start("publish")) {
                    published = publish.publish(ordered, prepared);
                }
            } finally {
                synchronized (lock) {
                    publishing = null;
                    if (stopReason != null) {
                        Thread.interrupted(); // stop() interrupted the publish: handled there
                    }
                }
            }
        }
        if (Thread.currentThread().isInterrupted() && stopReason() == null) {
            callerInterrupted = true; // interrupted while publishing: the publish moved its tags back
            stop("an interrupt");
        }
        String interrupted = stopReason();
        if (published == null && interrupted == null) {
            published = publish.withhold(ordered, heldBecause);
        }
        if (published == null) {
            published = publish.withhold(ordered, "interrupted by " + interrupted + ": nothing was published, no tag was "
                    + "created or moved");
        }
        if (interrupted != null) {
            removeContainersOfTheRun(units);
        }
        if (callerInterrupted) {
            Thread.currentThread().interrupt();
        }
        Map<Platform, List<io.multiarch.result.Phase>> timeline = new LinkedHashMap<>();
        for (Platform p : request.platforms()) {
            List<io.multiarch.result.Phase> phases = new ArrayList<>(builds.get(p).phases(t0));
            if (published != null && published.seconds() > 0) {
                phases.add(new io.multiarch.result.Phase("publish", (p0 - t0) / 1e9, (p0 - t0) / 1e9 + published.seconds()));
            }
            timeline.put(p, phases);
        }
        return new RunResult(plan.runId(), request.image().fullName(), request.tags().stream().map(Tag::value).toList(),
                publisher.toolchain().describe(), ordered, published, (System.nanoTime() - t0) / 1e9,
                interrupted == null ? "" : interrupted, timeline);
    }

    /**
     * After an interrupted run: every container labelled with the run's id on every machine of the run, removed.
     * Each test removes its own container when stopped; this catches one that a killed client left behind.
     */
    private void removeContainersOfTheRun(List<Unit> units) {
        boolean interrupted = Thread.interrupted();
        Map<String, AgentContext> machines = new LinkedHashMap<>();
        machines.put(publisher.agent(), publisher);
        units.forEach(u -> {
            AgentContext a = agents.apply((u.batch() != null ? u.batch().members().get(0) : u.alone()).task().platform());
            machines.putIfAbsent(a.agent(), a);
        });
        for (AgentContext a : machines.values()) {
            try {
                String ids = a.docker().query(a.docker().command("ps", "-aq", "--filter",
                        "label=" + io.multiarch.buildx.BuildxCommands.RUN_LABEL + "=" + plan.runId()).withTimeout(java.time.Duration.ofSeconds(30))).strip();
                if (!ids.isEmpty()) {
                    List<String> args = new ArrayList<>(List.of("rm", "-f"));
                    args.addAll(List.of(ids.split("\\s+")));
                    a.docker().query(a.docker().command(args).withTimeout(java.time.Duration.ofSeconds(60)));
                    a.output().line("[cleanup] removed " + args.size() + " container(s) of run " + plan.runId() + " left by stopped tests", true);
                }
            } catch (java.io.IOException | InterruptedException e) {
                Thread.interrupted();
                a.output().line("[cleanup] could not list or remove the containers of run " + plan.runId() + ": " + e.getMessage(), true);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The commands a real run would start, in order, for {@code --dry-run}: batch builds and per-platform builds and tests. */
    public List<io.multiarch.process.Command> plannedCommands(String metadataFile) {
        List<io.multiarch.process.Command> list = new ArrayList<>();
        for (Unit unit : units()) {
            if (unit.batch() != null) {
                list.add(unit.batch().plannedCommand(metadataFile));
                for (PlatformBuild m : unit.batch().members()) {
                    List<io.multiarch.process.Command> own = m.plannedCommands(metadataFile);
                    list.addAll(own.subList(1, own.size())); // its test; the batch replaces its build
                }
            } else {
                list.addAll(unit.alone().plannedCommands(metadataFile));
            }
        }
        return list;
    }

    /** What a run starts, in plan order: a batch of the platforms that share an endpoint, or one platform alone. */
    private record Unit(BatchBuild batch, PlatformBuild alone) {
    }

    private List<Unit> units() {
        List<Unit> units = new ArrayList<>();
        int batchNumber = 0;
        for (List<PlatformTask> group : byEndpoint()) {
            if (request.batches() && group.size() > 1) {
                batchNumber++;
                AgentContext agent = agents.apply(group.get(0).platform());
                units.add(new Unit(new BatchBuild(request, plan, batchNumber, group.stream().map(this::platformBuild).toList(),
                        agent.withOutput(prefixed(agent.output(), "batch " + batchNumber))), null));
            } else {
                group.forEach(task -> units.add(new Unit(null, platformBuild(task))));
            }
        }
        return units;
    }

    /** The tasks grouped by the docker endpoint they build on, in plan order. */
    private List<List<PlatformTask>> byEndpoint() {
        Map<String, List<PlatformTask>> groups = new LinkedHashMap<>();
        for (PlatformTask task : plan.tasks()) {
            groups.computeIfAbsent(agents.apply(task.platform()).agent(), k -> new ArrayList<>()).add(task);
        }
        return List.copyOf(groups.values());
    }

    private PlatformBuild platformBuild(PlatformTask task) {
        AgentContext agent = agents.apply(task.platform());
        return new PlatformBuild(request, plan.runId(), task, agent.withOutput(prefixed(agent.output(), task.platform().toString())));
    }

    /** A platform's work that ends in its result. */
    @FunctionalInterface
    private interface PlatformJob {
        PlatformResult run() throws InterruptedException;
    }

    /**
     * The bounded pool the work of a run shares, and its bookkeeping: jobs may add jobs (a batch hands its members
     * on to their tests), so completion is counted with a {@link Phaser}; fail-fast and {@link #stop} stop the pool,
     * and jobs that never ran are counted off and end "not started".
     */
    private final class Jobs {
        final ExecutorService pool;
        final Phaser pending = new Phaser(1);
        final Map<Platform, PlatformResult> results = new ConcurrentHashMap<>();
        final AtomicReference<String> stopReason = new AtomicReference<>();
        final List<BatchBuild.PushedIndex> pushedIndexes = new java.util.concurrent.CopyOnWriteArrayList<>();

        Jobs(int threads) {
            pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
                Thread t = new Thread(r, "multiarch-platform");
                t.setDaemon(true);
                return t;
            });
        }

        private int arrivedAt = -1;

        void awaitAll() throws InterruptedException {
            arrivedAt = pending.arrive();
            pending.awaitAdvanceInterruptibly(arrivedAt);
        }

        /** After a stop: waits, not interruptibly and for a bounded time, for the running jobs to end. */
        void awaitStopped() {
            boolean interrupted = Thread.interrupted();
            try {
                if (arrivedAt < 0) {
                    arrivedAt = pending.arrive();
                }
                pending.awaitAdvanceInterruptibly(arrivedAt, STOP_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                // what has not ended by now ends "stopped"
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void execute(Runnable body) {
            pending.register();
            try {
                pool.execute(new Counted(body));
            } catch (RejectedExecutionException e) {
                pending.arriveAndDeregister(); // fail-fast stopped the pool: the platform ends "not started"
            }
        }

        void submit(PlatformBuild build, PlatformJob job) {
            execute(() -> runOne(build, job));
        }

        void submitBatch(BatchBuild batch) {
            execute(() -> {
                if (stopReason.get() != null) {
                    return; // its members end "not started"
                }
                BatchBuild.Outcome outcome;
                try {
                    outcome = batch.run();
                } catch (InterruptedException e) {
                    batch.members().forEach(m -> results.putIfAbsent(m.task().platform(), m.stopped(reason(), true)));
                    return;
                }
                outcome.index().ifPresent(pushedIndexes::add);
                outcome.done().values().forEach(r -> record(r));
                outcome.built().forEach((m, b) -> {
                    m.pushed(b);
                    submit(m, () -> m.finish(b));
                });
                outcome.alone().forEach((m, binfmtSeconds) -> submit(m, () -> m.buildAndTest(binfmtSeconds)));
            });
        }

        private String reason() {
            String r = stopReason.get();
            return r == null ? "interrupted" : r;
        }

        private void runOne(PlatformBuild build, PlatformJob job) {
            PlatformTask task = build.task();
            Platform p = task.platform();
            if (stopReason.get() != null) {
                results.put(p, build.stopped(reason(), false));
                return;
            }
            try {
                record(job.run());
            } catch (InterruptedException e) {
                results.put(p, build.stopped(reason(), true));
            } catch (RuntimeException e) {
                results.put(p, PlatformResult.failed(p, task.required(), !task.nativePlatform(),
                        agents.apply(p).agent(), "unexpected error: " + e));
            }
        }

        /** Keeps a result; a required platform's failure under fail-fast stops everything else. */
        private void record(PlatformResult r) {
            results.put(r.platform(), r);
            if (r.required() && r.status() == Status.FAILED && request.failFast()
                    && stopAll("fail-fast after " + r.platform() + " failed")) {
                agents.apply(r.platform()).output().line("[" + r.platform() + "] fail-fast: stopping the other platforms", true);
            }
        }

        /** Stops the pool: running jobs are interrupted, queued ones counted off. Whether this call stopped it. */
        boolean stopAll(String reason) {
            if (!stopReason.compareAndSet(null, reason)) {
                return false;
            }
            for (Runnable never : pool.shutdownNow()) {
                if (never instanceof Counted) {
                    pending.arriveAndDeregister();
                }
            }
            return true;
        }

        /** A job whose end, however it ends, is counted off. */
        private final class Counted implements Runnable {
            private final Runnable body;

            Counted(Runnable body) {
                this.body = body;
            }

            @Override
            public void run() {
                try {
                    body.run();
                } finally {
                    pending.arriveAndDeregister();
                }
            }
        }
    }

    /** Where the run's own lines go: the publishing machine's output. */
    public OutputListener output() {
        return publisher.output();
    }

    /** Output lines prefixed with {@code [name] }, one line at a time. */
    public static OutputListener prefixed(OutputListener out, String name) {
        String prefix = "[" + name + "] ";
        return (line, error) -> out.line(prefix + line, error);
    }
}
