package io.multiarch.build;

import io.multiarch.result.Phase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What one platform did when, by kind ({@code binfmt}, {@code build}, {@code push}, {@code test}), on
 * {@link System#nanoTime()}'s clock: its row in report.html's chart and on the Jenkins page. Kept apart from the run's
 * {@link io.multiarch.timeline.Timeline}, which names every step in detail for {@code --timeline} and is not recorded
 * on Jenkins agents. Thread-safe.
 */
final class PlatformPhases {
    private record Span(String name, long start, long end) {
    }

    private final List<Span> spans = new CopyOnWriteArrayList<>();

    void add(String name, long startNanos, long endNanos) {
        spans.add(new Span(name, startNanos, endNanos));
    }

    /** A build from {@code start} to {@code end} whose last {@code pushSeconds} were its push. */
    void buildAndPush(long start, long end, double pushSeconds) {
        long push = Math.min(end - start, (long) (pushSeconds * 1e9));
        add("build", start, end - push);
        if (push > 0) {
            add("push", end - push, end);
        }
    }

    /** The phases so far, in seconds since {@code runStartNanos}. */
    List<Phase> since(long runStartNanos) {
        List<Phase> list = new ArrayList<>();
        for (Span s : spans) {
            list.add(new Phase(s.name(), (s.start() - runStartNanos) / 1e9, (s.end() - runStartNanos) / 1e9));
        }
        return list;
    }
}
