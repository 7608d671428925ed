package io.multiarch.build;

import io.multiarch.plan.PlatformTask;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.OutputListener;
import io.multiarch.publish.Publisher;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.ExecutionOptions;
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
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A whole run on machines the caller provides, then the gated {@link Publisher}. Platforms that share a docker
 * endpoint are built together in a {@link BatchBuild} (unless {@link ExecutionOptions#batches} says otherwise), the
 * others each in a {@link PlatformBuild}; builds and tests share a pool of {@link ExecutionOptions#concurrency()}
 * threads, in {@link RunPlan} order.
 * With fail-fast, the first required platform that fails stops the others (they end {@link Status#SKIPPED}, with
 * their digest if their image was already pushed). {@link #stop} stops a run from outside (a signal): running
 * builds and tests are killed and their containers removed, nothing is published, and {@link #run()} returns what
 * was done, marked {@link RunResult#interrupted()}.
 * The CLI runs it; the Jenkins plugin runs the same pieces in its own parallel stages.
 */
public final class MultiArchBuild {
    private final BuildRequest request;
    private final ExecutionOptions execution;
    private final RunPlan plan;
    private final Function<Platform, AgentContext> agents;
    private final AgentContext publisher;
    /** What the first tag served before the run, read beside the builds once for every platform's size change. */
    private final PreviousIndex previousIndex;
    private final Object lock = new Object();
    private PlatformPool jobs;
    private String stopReason;
    private Thread publishing;
    private volatile String heldBecause;
    private PublishGate gate = () -> Optional.empty();
    /** The local names of the run's temporary tags, removed beside what follows once nothing reads them. */
    private final TagRemovals removals = new TagRemovals();
    /** Batch builds whose index is pushed and read back, finishing the rest of their process (the cache export). */
    private final FinishingBuilds finishing = new FinishingBuilds();
    private volatile boolean leaveFinishing;

    /**
     * Asked right before the publish, once every platform has ended: a reason not to publish (what the run was
     * planned on turned out wrong, e.g. a toolchain probed beside the build that differs from the one assumed), or
     * empty to go on. It may wait.
     */
    @FunctionalInterface
    public interface PublishGate {
        Optional<String> check() throws InterruptedException;
    }

    /**
     * Keeps the local names of temporary tags on the machines whose agent name {@code agents} accepts, instead of
     * removing them at the end of the run ({@link #keptLocalNames}): a removal ({@link LocalTags#release}, a
     * {@code docker tag} and a {@code docker image rm}) takes some 0.2 s, which would otherwise be the last thing a run
     * waits for when nothing else is left to do beside it. The CLI
     * removes them at its next run, beside that run's build. Returns this.
     */
    public MultiArchBuild keepingLocalNamesOn(Predicate<String> agents) {
        removals.keepOn(machine -> agents.test(machine.agent()));
        return this;
    }

    /** The local names of temporary tags kept on the machine named {@code agent} ({@link #keepingLocalNamesOn}). */
    public List<String> keptLocalNames(String agent) {
        return removals.kept(agent);
    }

    /**
     * Makes {@link #run()} return without waiting for the batch builds still finishing after their index was pushed and
     * read back (what BuildKit does after the push: the registry cache export, the {@code docker} driver's own push);
     * the caller waits for them with {@link #awaitFinishingBuilds}, after it has reported the result. {@link #stop}
     * still kills them. Without this, {@link #run()} waits for them before it returns. Returns this.
     */
    public MultiArchBuild leavingFinishingBuilds() {
        this.leaveFinishing = true;
        return this;
    }

    /**
     * Waits for the batch builds still finishing ({@link #leavingFinishingBuilds}); each ends with its clean-up done
     * and its failure, if any, said on the output. Interrupted, it kills them, waits for them to go, and throws.
     */
    public void awaitFinishingBuilds() throws InterruptedException {
        if (finishing.await()) {
            throw new InterruptedException("stopped while the batch builds finished");
        }
    }

    /**
     * What the batch builds that finished after their hand-over said of their failures, each as its line on the output
     * says it, preceded by the run and the batch: for a caller whose output may have gone by then (a served run's client).
     */
    public List<String> finishingFailures() {
        return finishing.failures().stream().map(f -> "run " + plan.runId() + ", " + f).toList();
    }

    /** Sets the {@link PublishGate}; returns this. */
    public MultiArchBuild withPublishGate(PublishGate gate) {
        this.gate = gate;
        return this;
    }

    /**
     * @param execution how many platforms at once, and whether the platforms of one endpoint share a build
     * @param agents    the machine each platform runs on (one local machine, or per-platform docker endpoints)
     * @param publisher the machine that runs the publish
     */
    public MultiArchBuild(BuildRequest request, ExecutionOptions execution, RunPlan plan, Function<Platform, AgentContext> agents,
                          AgentContext publisher) {
        this.request = request;
        this.execution = execution;
        this.plan = plan;
        this.agents = agents;
        this.publisher = publisher;
        this.previousIndex = new PreviousIndex(publisher.registry(), request);
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
        finishing.stopAll();
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
        previousIndex.start();
        // each platform's size before the run, read beside the builds: a size look-up after a push then reads the new image only
        plan.tasks().forEach(t -> previousIndex.size(t.platform()));
        List<Unit> units = units();
        Map<Platform, PlatformBuild> builds = new LinkedHashMap<>();
        for (Unit unit : units) {
            (unit.batch() != null ? unit.batch().members() : List.of(unit.alone())).forEach(b -> builds.put(b.task().platform(), b));
        }
        PlatformPool jobs = new PlatformPool(Math.min(execution.concurrency(), plan.tasks().size()), request.failFast(), agents,
                removals);
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
        // the local names of temporary tags whose removal has not started (a platform stopped before its test): now
        removals.startAll();
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
            RunCleanup.removeContainers(plan.runId(), machines(units));
        }
        if (!leaveFinishing) {
            callerInterrupted |= finishing.await();
        }
        callerInterrupted |= removals.await();
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

    /** Every machine of the run: the publisher's and each unit's. */
    private java.util.Collection<AgentContext> machines(List<Unit> units) {
        Map<String, AgentContext> machines = new LinkedHashMap<>();
        machines.put(publisher.agent(), publisher);
        units.forEach(u -> {
            AgentContext a = agents.apply((u.batch() != null ? u.batch().members().get(0) : u.alone()).task().platform());
            machines.putIfAbsent(a.agent(), a);
        });
        return machines.values();
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
            if (execution.batches(request) && group.size() > 1) {
                batchNumber++;
                AgentContext agent = agents.apply(group.get(0).platform());
                units.add(new Unit(new BatchBuild(request, plan, batchNumber, group.stream().map(this::platformBuild).toList(),
                        agent.withOutput(prefixed(agent.output(), "batch " + batchNumber)), finishing), null));
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
        return new PlatformBuild(request, plan.runId(), task, agent.withOutput(prefixed(agent.output(), task.platform().toString())))
                .sharing(previousIndex).handingTagsTo(removals);
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
