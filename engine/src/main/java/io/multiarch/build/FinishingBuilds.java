package io.multiarch.build;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@code docker buildx build} processes of a run that go on after their images were pushed and read back from the
 * registry: what BuildKit does after its exporter's push (the registry cache export, then, with the {@code docker}
 * driver, its own push of the same image under the same tag) is nothing the run's results or its publish depend on,
 * so a batch hands its process over here as soon as its index is in the registry, whole ({@link BatchBuild}). Each
 * process is still run to its end, on its own thread, which then cleans up after it: the run waits for them before
 * it ends, or its caller does, later ({@link MultiArchBuild#leavingFinishingBuilds}). A process that ends with a
 * failure then only says so: its images were read back whole, and the cache export's own failure is ignored by
 * BuildKit ({@code ignore-error=true}).
 */
final class FinishingBuilds {
    private final List<Thread> all = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    /** {@code runner} runs a process to its end and cleans up after it; it must have been started. */
    void add(Thread runner) {
        all.add(runner);
    }

    /** Records what a runner said of its process's failure, for {@link #failures}. */
    void failed(String what) {
        failures.add(what);
    }

    /** What the runners said of the failures of their processes so far, in order. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Kills every one still running: their runners are interrupted, which kills the process. */
    void stopAll() {
        all.forEach(Thread::interrupt);
    }

    /**
     * Waits for every one to end. Interrupted, it kills those still running, waits for them to go, and returns true
     * (for the caller to set its interrupt flag again); else false.
     */
    boolean await() {
        for (Thread runner : all) {
            try {
                runner.join();
            } catch (InterruptedException e) {
                stopAll();
                all.forEach(FinishingBuilds::joinUninterruptibly);
                return true;
            }
        }
        return false;
    }

    /** Waits for {@code runner} to end, however often interrupted; the interrupt flag is set again after. */
    static void joinUninterruptibly(Thread runner) {
        boolean interrupted = false;
        while (runner.isAlive()) {
            try {
                runner.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
