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
 * @param afterRun    for a served run: work the server does once the client has its exit code (the removal of the
 *                    names runs left in the image store, of the containers of dead runs), off the path of the run and
 *                    of the next one; null for a run of this JVM's own, which does it beside its build
 * @param serverLog   for a served run: the server's log, for what the run has to say once its client has gone (a
 *                    failure of a batch's buildx after its hand-over); null for a run of this JVM's own, whose output
 *                    is still there
 */
record Launch(long originNanos, long mainNanos, SignalRelay relay, java.util.Queue<Runnable> afterRun,
              java.util.function.Consumer<String> serverLog) {

    /** A run of this JVM's own, started by its {@code main}. */
    static Launch thisProcess() {
        return new Launch(ProcessClock.processOriginNanos(), Main.mainEntered, null, null, null);
    }

    /** A run the server does for a client that started at {@code originNanos} and entered its main at {@code mainNanos}. */
    static Launch served(long originNanos, long mainNanos, SignalRelay relay, java.util.function.Consumer<String> serverLog) {
        return new Launch(originNanos, mainNanos, relay, new java.util.concurrent.ConcurrentLinkedQueue<>(), serverLog);
    }

    /** Whether the run serves a client: its signals come from the client, and the JVM must outlive it. */
    boolean served() {
        return relay != null;
    }
}
