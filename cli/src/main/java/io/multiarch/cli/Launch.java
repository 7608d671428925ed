package io.multiarch.cli;

/**
 * How a run was started, which its timeline and its signals depend on: by this JVM's {@code main}, or by a
 * {@link Client} through the resident {@link Server}.
 *
 * @param originNanos when the process the user started began (the timeline's origin), on {@link System#nanoTime()}'s
 *                    clock, Linux's monotonic clock: the same in every process of the machine, so a client's times
 *                    are the server's too
 * @param mainNanos   when that process entered its {@code main}: the end of the JVM's start in the timeline
 * @param relay       the signals a client forwards; null when the run is this JVM's own, and its own SIGINT, SIGTERM
 *                    and SIGHUP stop it
 */
record Launch(long originNanos, long mainNanos, SignalRelay relay) {

    /** A run of this JVM's own, started by its {@code main}. */
    static Launch thisProcess() {
        return new Launch(ProcessClock.processOriginNanos(), Main.mainEntered, null);
    }

    /** Whether the run serves a client: its signals come from the client, and the JVM must outlive it. */
    boolean served() {
        return relay != null;
    }
}
