package io.multiarch.cli;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * SIGINT, SIGTERM and SIGHUP for the length of a build: the first one stops the run (its handler is called once,
 * with the signal's name), so that builds and tests are killed, their containers removed and the report written;
 * the JVM then exits with 128 + the signal's number. A second signal while that clean-up runs calls
 * {@code force}, for a user who does not want to wait. Without these handlers the JVM would exit at once, leaving
 * {@code docker buildx build} and {@code docker run} running.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}), the JDK's only way to handle a signal and
 * know which it was. Where a signal is ignored when the JVM starts (a background job of a non-interactive shell
 * ignores SIGINT), it stays ignored.
 */
final class Signals implements AutoCloseable {
    /** The signals handled, with their numbers (the same on every Linux architecture). */
    static final java.util.Map<String, Integer> NUMBERS = java.util.Map.of("INT", 2, "TERM", 15, "HUP", 1);

    private final AtomicReference<String> received = new AtomicReference<>();
    private final java.util.Map<sun.misc.Signal, sun.misc.SignalHandler> previous = new java.util.HashMap<>();

    /**
     * @param stop  called once, on the first signal, with its name ({@code SIGTERM})
     * @param force called on every further signal
     */
    Signals(Consumer<String> stop, Runnable force) {
        for (String name : NUMBERS.keySet()) {
            sun.misc.Signal signal = new sun.misc.Signal(name);
            sun.misc.SignalHandler old;
            try {
                old = sun.misc.Signal.handle(signal, s -> {
                    if (received.compareAndSet(null, "SIG" + s.getName())) {
                        stop.accept("SIG" + s.getName());
                    } else {
                        force.run();
                    }
                });
            } catch (IllegalArgumentException e) {
                continue; // the JVM reserves it here (e.g. -Xrs): the default applies
            }
            if (old == sun.misc.SignalHandler.SIG_IGN) {
                sun.misc.Signal.handle(signal, old); // ignored by whoever started us: keep it so
            } else {
                previous.put(signal, old);
            }
        }
    }

    /** The first signal received, {@code SIGTERM}, or null. */
    String received() {
        return received.get();
    }

    /** The exit code for a run ended by a signal: 128 + its number, as shells report a process killed by it. */
    static int exitCode(String signal) {
        return 128 + NUMBERS.get(signal.substring(3));
    }

    /** Puts back the handlers that were there before. */
    @Override
    public void close() {
        previous.forEach(sun.misc.Signal::handle);
    }
}
