package io.multiarch.build;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The {@link LocalTags} removals of a run, each on a thread of its own from the moment nothing reads its name any
 * more, so that they run beside what follows (other tests, the publish) rather than before it: a removal ({@link
 * LocalTags#release}, a {@code docker tag} and a {@code docker image rm}) takes some 0.2 s, about as long as everything
 * after a cached build. The run waits
 * for them before it ends.
 */
final class TagRemovals {
    /**
     * How long {@link #await} waits for all of them (they run at once): longer than one removal's worst case, its
     * {@code docker tag} and its {@code docker image rm} each timing out after a minute ({@link LocalTags}).
     */
    private static final long WAIT_SECONDS = 125;

    private final List<Removal> all = new CopyOnWriteArrayList<>();
    /** The machines whose names are kept, not removed: the caller removes them later (the CLI, at its next run). */
    private volatile Predicate<AgentContext> keep = machine -> false;
    private final Map<String, List<String>> kept = new ConcurrentHashMap<>();

    /** One name on one machine, removed once {@link #start} is called, however often. */
    final class Removal {
        private final AgentContext machine;
        private final String name;
        private final String phase;
        private final Thread after;
        private final AtomicBoolean started = new AtomicBoolean();
        private volatile Thread thread;

        private Removal(AgentContext machine, String name, String phase, Thread after) {
            this.machine = machine;
            this.name = name;
            this.phase = phase;
            this.after = after;
        }

        void start() {
            if (!started.compareAndSet(false, true)) {
                return;
            }
            if (keep.test(machine)) {
                kept.computeIfAbsent(machine.agent(), k -> new CopyOnWriteArrayList<>()).add(name);
                return;
            }
            Thread t = new Thread(() -> {
                if (after != null) {
                    try {
                        after.join();
                    } catch (InterruptedException e) {
                        return; // the run is stopped: the name stays, as a removal stopped half-way would leave it
                    }
                }
                try (var p = machine.timeline().start(phase)) {
                    LocalTags.remove(machine, List.of(name));
                }
            }, "multiarch-untag");
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    /** Keeps the names on the machines {@code machines} accepts instead of removing them ({@link #kept}). */
    void keepOn(Predicate<AgentContext> machines) {
        this.keep = machines;
    }

    /** The names kept on the machine named {@code agent}, in the order their removal was due. */
    List<String> kept(String agent) {
        return List.copyOf(kept.getOrDefault(agent, List.of()));
    }

    /** A removal of {@code name} on {@code machine}, not started yet; {@code phase} names it in the timeline. */
    Removal register(AgentContext machine, String name, String phase) {
        return register(machine, name, phase, null);
    }

    /** {@link #register(AgentContext, String, String)}, whose removal, once started, first waits for {@code after} to end (when not null). */
    Removal register(AgentContext machine, String name, String phase, Thread after) {
        Removal r = new Removal(machine, name, phase, after);
        all.add(r);
        return r;
    }

    /** Starts every removal not started yet: once the run's builds and tests have all ended, however they ended. */
    void startAll() {
        all.forEach(Removal::start);
    }

    /** Waits for the started removals, together at most {@value #WAIT_SECONDS} s; whether this thread was interrupted. */
    boolean await() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (Removal r : all) {
            Thread t = r.thread;
            if (t == null) {
                continue;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                all.forEach(other -> {
                    Thread o = other.thread;
                    if (o != null) {
                        o.interrupt();
                    }
                });
                return true;
            }
        }
        return false;
    }
}
