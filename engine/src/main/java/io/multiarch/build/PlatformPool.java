package io.multiarch.build;

import io.multiarch.plan.PlatformTask;
import io.multiarch.platform.Platform;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.Status;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The bounded pool the work of a run shares, and its bookkeeping: jobs may add jobs (a batch hands its members
 * on to their tests), so completion is counted with a {@link Phaser}; fail-fast and {@link MultiArchBuild#stop} stop the pool,
 * and jobs that never ran are counted off and end "not started".
 */
final class PlatformPool {
    /** How long a stopped run waits for its builds and tests to end and clean up. */
    private static final long STOP_WAIT_SECONDS = 60;

    /** A platform's work that ends in its result. */
    @FunctionalInterface
    interface PlatformJob {
        PlatformResult run() throws InterruptedException;
    }

    private final boolean failFast;
    private final Function<Platform, AgentContext> agents;

    final ExecutorService pool;
    final Phaser pending = new Phaser(1);
    final Map<Platform, PlatformResult> results = new ConcurrentHashMap<>();
    final AtomicReference<String> stopReason = new AtomicReference<>();
    final List<BatchBuild.PushedIndex> pushedIndexes = new CopyOnWriteArrayList<>();

    private final TagRemovals removals;

    PlatformPool(int threads, boolean failFast, Function<Platform, AgentContext> agents, TagRemovals removals) {
        this.failFast = failFast;
        this.agents = agents;
        this.removals = removals;
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
            pending.awaitAdvanceInterruptibly(arrivedAt, STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException | TimeoutException e) {
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
            // the batch's local name goes once nothing reads it: at once without tests, else after the last test
            Optional<TagRemovals.Removal> untag = batch.localNameRemoval(outcome, removals);
            if (!batch.tested()) {
                untag.ifPresent(TagRemovals.Removal::start);
            }
            AtomicInteger left = new AtomicInteger(outcome.built().size());
            outcome.built().forEach((m, b) -> {
                m.pushed(b);
                submit(m, () -> {
                    try {
                        return m.finish(b);
                    } finally {
                        if (left.decrementAndGet() == 0) {
                            untag.ifPresent(TagRemovals.Removal::start);
                        }
                    }
                });
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
        if (r.required() && r.status() == Status.FAILED && failFast
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
