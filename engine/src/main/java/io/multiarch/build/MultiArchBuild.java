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
 * With fail-fast, the first required platform that fails stops the others (they end {@link Status#SKIPPED}).
 * The CLI runs it; the Jenkins plugin runs the same pieces in its own parallel stages.
 */
public final class MultiArchBuild {
    private final BuildRequest request;
    private final RunPlan plan;
    private final Function<Platform, AgentContext> agents;
    private final AgentContext publisher;

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

    public RunResult run() throws InterruptedException {
        long t0 = System.nanoTime();
        Jobs jobs = new Jobs(Math.min(request.concurrency(), plan.tasks().size()));
        try {
            for (Unit unit : units()) {
                if (unit.batch() != null) {
                    jobs.submitBatch(unit.batch());
                } else {
                    jobs.submit(unit.alone().task(), unit.alone()::run);
                }
            }
            jobs.awaitAll();
        } finally {
            jobs.pool.shutdownNow();
        }
        List<PlatformResult> ordered = new ArrayList<>();
        for (Platform p : request.platforms()) {
            ordered.add(jobs.results.getOrDefault(p, jobs.notStarted(plan.task(p))));
        }
        PublishResult publish = new Publisher(publisher.docker(), request, prefixed(publisher.output(), "publish"))
                .publish(ordered);
        return new RunResult(plan.runId(), request.image().fullName(), request.tags().stream().map(Tag::value).toList(),
                publisher.toolchain().describe(), ordered, publish, (System.nanoTime() - t0) / 1e9);
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
     * on to their tests), so completion is counted with a {@link Phaser}; fail-fast stops the pool, and jobs that
     * never ran are counted off and end "not started".
     */
    private final class Jobs {
        final ExecutorService pool;
        final Phaser pending = new Phaser(1);
        final Map<Platform, PlatformResult> results = new ConcurrentHashMap<>();
        final AtomicReference<String> stopReason = new AtomicReference<>();

        Jobs(int threads) {
            pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
                Thread t = new Thread(r, "multiarch-platform");
                t.setDaemon(true);
                return t;
            });
        }

        void awaitAll() throws InterruptedException {
            pending.awaitAdvanceInterruptibly(pending.arrive());
        }

        private void execute(Runnable body) {
            pending.register();
            try {
                pool.execute(new Counted(body));
            } catch (RejectedExecutionException e) {
                pending.arriveAndDeregister(); // fail-fast stopped the pool: the platform ends "not started"
            }
        }

        void submit(PlatformTask task, PlatformJob job) {
            execute(() -> runOne(task, job));
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
                    batch.members().forEach(m -> results.putIfAbsent(m.task().platform(), stopped(m.task())));
                    return;
                }
                outcome.done().values().forEach(r -> record(r));
                outcome.built().forEach((m, b) -> submit(m.task(), () -> m.finish(b.digest(), 1, b.binfmtSeconds(),
                        b.buildSeconds(), b.pushSeconds(), b.tempTag())));
                outcome.alone().forEach((m, binfmtSeconds) -> submit(m.task(), () -> m.buildAndTest(binfmtSeconds)));
            });
        }

        private void runOne(PlatformTask task, PlatformJob job) {
            Platform p = task.platform();
            if (stopReason.get() != null) {
                results.put(p, notStarted(task));
                return;
            }
            try {
                record(job.run());
            } catch (InterruptedException e) {
                results.put(p, stopped(task));
            } catch (RuntimeException e) {
                results.put(p, PlatformResult.failed(p, task.required(), !task.nativePlatform(),
                        agents.apply(p).agent(), "unexpected error: " + e));
            }
        }

        /** A platform whose work never began: fail-fast stopped the run first. */
        PlatformResult notStarted(PlatformTask task) {
            return PlatformResult.skipped(task.platform(), task.required(), !task.nativePlatform(),
                    "not started: " + stopReason.get());
        }

        /** A platform whose work was interrupted, by fail-fast or from outside. */
        private PlatformResult stopped(PlatformTask task) {
            return PlatformResult.skipped(task.platform(), task.required(), !task.nativePlatform(),
                    "stopped: " + (stopReason.get() == null ? "interrupted" : stopReason.get()));
        }

        /** Keeps a result; a required platform's failure under fail-fast stops everything else. */
        private void record(PlatformResult r) {
            results.put(r.platform(), r);
            if (r.required() && r.status() == Status.FAILED && request.failFast()
                    && stopReason.compareAndSet(null, "fail-fast after " + r.platform() + " failed")) {
                agents.apply(r.platform()).output().line("[" + r.platform() + "] fail-fast: stopping the other platforms", true);
                for (Runnable never : pool.shutdownNow()) {
                    if (never instanceof Counted) {
                        pending.arriveAndDeregister();
                    }
                }
            }
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

    /** Output lines prefixed with {@code [name] }, one line at a time. */
    public static OutputListener prefixed(OutputListener out, String name) {
        String prefix = "[" + name + "] ";
        return (line, error) -> out.line(prefix + line, error);
    }
}
