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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A whole run on machines the caller provides: every platform's {@link PlatformBuild} in parallel (at most
 * {@link BuildRequest#concurrency()} at once, in {@link RunPlan} order), then the gated {@link Publisher}.
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
        Map<Platform, PlatformResult> results = new ConcurrentHashMap<>();
        AtomicReference<String> stopReason = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(request.concurrency(), plan.tasks().size()), r -> {
            Thread t = new Thread(r, "multiarch-platform");
            t.setDaemon(true);
            return t;
        });
        try {
            for (PlatformTask task : plan.tasks()) {
                try {
                    pool.execute(() -> runOne(task, results, stopReason, pool));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    break; // fail-fast already stopped the pool: the rest end "not started"
                }
            }
            pool.shutdown();
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                // platform timeouts bound each build; wait for all of them
            }
        } finally {
            pool.shutdownNow();
        }
        List<PlatformResult> ordered = new ArrayList<>();
        for (Platform p : request.platforms()) {
            PlatformTask task = plan.task(p);
            ordered.add(results.getOrDefault(p, PlatformResult.skipped(p, task.required(), !task.nativePlatform(),
                    "not started: " + stopReason.get())));
        }
        PublishResult publish = new Publisher(publisher.docker(), request, prefixed(publisher.output(), "publish"))
                .publish(ordered);
        return new RunResult(plan.runId(), request.image().fullName(), request.tags().stream().map(Tag::value).toList(),
                publisher.toolchain().describe(), ordered, publish, (System.nanoTime() - t0) / 1e9);
    }

    private void runOne(PlatformTask task, Map<Platform, PlatformResult> results, AtomicReference<String> stopReason,
                        ExecutorService pool) {
        Platform p = task.platform();
        if (stopReason.get() != null) {
            results.put(p, PlatformResult.skipped(p, task.required(), !task.nativePlatform(), "not started: " + stopReason.get()));
            return;
        }
        AgentContext agent = agents.apply(p);
        agent = agent.withOutput(prefixed(agent.output(), p.toString()));
        try {
            PlatformResult r = new PlatformBuild(request, plan.runId(), task, agent).run();
            results.put(p, r);
            if (r.required() && r.status() == Status.FAILED && request.failFast()
                    && stopReason.compareAndSet(null, "fail-fast after " + p + " failed")) {
                agent.output().line("fail-fast: stopping the other platforms", true);
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            results.put(p, PlatformResult.skipped(p, task.required(), !task.nativePlatform(),
                    "stopped: " + (stopReason.get() == null ? "interrupted" : stopReason.get())));
        } catch (RuntimeException e) {
            results.put(p, PlatformResult.failed(p, task.required(), !task.nativePlatform(), agent.agent(),
                    "unexpected error: " + e));
        }
    }

    /** Output lines prefixed with {@code [name] }, one line at a time. */
    public static OutputListener prefixed(OutputListener out, String name) {
        String prefix = "[" + name + "] ";
        return (line, error) -> out.line(prefix + line, error);
    }
}
