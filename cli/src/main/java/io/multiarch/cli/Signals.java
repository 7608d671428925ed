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
 * ignores SIGINT), it stays ignored. A run the resident {@link Server} runs for a client gets its signals from the
 * client instead ({@link SignalRelay}): the server's JVM serves other runs and must not be stopped by them.
 */
final class Signals implements AutoCloseable {
    /** The signals handled, with their numbers (the same on every Linux architecture). */
    static final java.util.Map<String, Integer> NUMBERS = java.util.Map.of("INT", 2, "TERM", 15, "HUP", 1);

    private final AtomicReference<String> received = new AtomicReference<>();
    private final java.util.Map<sun.misc.Signal, sun.misc.SignalHandler> previous = new java.util.HashMap<>();
    private final Consumer<String> stop;
    private final Runnable force;
    private final SignalRelay relay;

    /**
     * The JVM's own signals.
     *
     * @param stop  called once, on the first signal, with its name ({@code SIGTERM})
     * @param force called on every further signal
     */
    Signals(Consumer<String> stop, Runnable force) {
        this(stop, force, null);
    }

    /** The signals {@code relay} forwards, or the JVM's own when it is null. */
    Signals(Consumer<String> stop, Runnable force, SignalRelay relay) {
        this.stop = stop;
        this.force = force;
        this.relay = relay;
        if (relay != null) {
            relay.attach(this::deliver);
            return;
        }
        for (String name : NUMBERS.keySet()) {
            sun.misc.Signal signal = new sun.misc.Signal(name);
            sun.misc.SignalHandler old;
            try {
                old = sun.misc.Signal.handle(signal, s -> deliver("SIG" + s.getName()));
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

    /** The first signal stops the run, every later one forces it. */
    private void deliver(String signal) {
        if (received.compareAndSet(null, signal)) {
            stop.accept(signal);
        } else {
            force.run();
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
        if (relay != null) {
            relay.detach();
        }
        previous.forEach(sun.misc.Signal::handle);
    }
}
