package io.multiarch.publish;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The publish's work on several tags (or images) at once, every job ended before it returns or throws. */
final class InParallel {

    private InParallel() {
    }

    /** Work on one tag (or one image), which may fail as a registry or a process does. */
    @FunctionalInterface
    interface Job<K, T> {
        T run(K key) throws IOException, InterruptedException;
    }

    /**
     * Runs {@code job} for every tag at once (inline for one tag) and waits for all of them, so that no job is still
     * running when this returns or throws: the first failure is thrown after every job ended. An interrupt interrupts
     * the jobs (their processes are killed), waits for them, and is thrown.
     */
    static <K, T> Map<K, T> run(List<K> tags, Job<K, T> job) throws IOException, InterruptedException {
        Map<K, T> answers = new LinkedHashMap<>();
        if (tags.size() == 1) {
            answers.put(tags.get(0), job.run(tags.get(0)));
            return answers;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(tags.size(), 8), r -> {
            Thread t = new Thread(r, "multiarch-publish");
            t.setDaemon(true);
            return t;
        });
        Map<K, Future<T>> futures = new LinkedHashMap<>();
        tags.forEach(t -> futures.put(t, pool.submit(() -> job.run(t))));
        pool.shutdown();
        boolean interrupted = false;
        Throwable failure = null;
        for (Map.Entry<K, Future<T>> e : futures.entrySet()) {
            try {
                if (interrupted) {
                    continue;
                }
                answers.put(e.getKey(), e.getValue().get());
            } catch (InterruptedException ie) {
                interrupted = true;
                pool.shutdownNow();
            } catch (ExecutionException ee) {
                if (failure == null) {
                    failure = ee.getCause();
                }
            }
        }
        if (interrupted) {
            boolean ended = false;
            while (!ended) {
                try {
                    ended = pool.awaitTermination(1, TimeUnit.MINUTES);
                } catch (InterruptedException again) {
                    // the jobs are being stopped already: wait for them to end
                }
            }
            throw new InterruptedException();
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof InterruptedException ie) {
            throw ie;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return answers;
    }
}
