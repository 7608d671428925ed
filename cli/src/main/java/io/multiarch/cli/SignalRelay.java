package io.multiarch.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The signals a {@link Client} got, forwarded to the run it asked the {@link Server} for: {@link Signals} attaches to
 * it instead of the JVM's handlers. A signal that arrives before the run has attached is kept and delivered when it
 * does (the run then stops at once); one after the run detached is dropped, as the JVM's would be after its handlers
 * are put back.
 */
final class SignalRelay {
    private Consumer<String> target;
    private final List<String> pending = new ArrayList<>();
    private boolean detached;

    /** Delivers {@code signal} ({@code SIGINT}, {@code SIGTERM}, {@code SIGHUP}) to the run, or keeps it for it. */
    void deliver(String signal) {
        Consumer<String> t;
        synchronized (this) {
            if (detached) {
                return;
            }
            if (target == null) {
                pending.add(signal);
                return;
            }
            t = target;
        }
        t.accept(signal);
    }

    void attach(Consumer<String> run) {
        List<String> early;
        synchronized (this) {
            target = run;
            early = List.copyOf(pending);
            pending.clear();
        }
        early.forEach(run);
    }

    synchronized void detach() {
        target = null;
        detached = true;
    }
}
