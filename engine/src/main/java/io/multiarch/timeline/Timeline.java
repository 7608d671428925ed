package io.multiarch.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * When each phase of a run started and ended, on one clock: what ran beside what, and what the run waited for. Any
 * thread may record; recording costs a clock read and a list append, so a run always records and the front end
 * decides whether to show it ({@code --timeline}). {@link #NONE} records nothing.
 */
public class Timeline {
    /** A timeline that records nothing. */
    public static final Timeline NONE = new Timeline(0) {
        @Override
        public void add(String phase, long startNanos, long endNanos) {
        }
    };

    /** One phase: seconds from the timeline's origin to its start and to its end. */
    public record Span(String phase, double start, double end) {
        public double seconds() {
            return end - start;
        }
    }

    private final long origin;
    private final List<Span> spans = new ArrayList<>();

    /** A timeline whose origin is {@code originNanos} on {@link System#nanoTime()}'s clock. */
    public Timeline(long originNanos) {
        this.origin = originNanos;
    }

    /** A timeline starting now. */
    public static Timeline startingNow() {
        return new Timeline(System.nanoTime());
    }

    /** Records a phase that ran from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()}). */
    public void add(String phase, long startNanos, long endNanos) {
        Span s = new Span(phase, (startNanos - origin) / 1e9, (endNanos - origin) / 1e9);
        synchronized (spans) {
            spans.add(s);
        }
    }

    /** Starts a phase; closing the returned handle records it. */
    public Phase start(String phase) {
        return new Phase(this, phase, System.nanoTime());
    }

    /** The spans recorded so far, by start time. */
    public List<Span> spans() {
        synchronized (spans) {
            return spans.stream().sorted(Comparator.comparingDouble(Span::start)).toList();
        }
    }

    /** A phase under way: {@code try (Phase p = timeline.start("probe")) { … }}. */
    public static final class Phase implements AutoCloseable {
        private final Timeline timeline;
        private final String name;
        private final long start;
        private boolean closed;

        private Phase(Timeline timeline, String name, long start) {
            this.timeline = timeline;
            this.name = name;
            this.start = start;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                timeline.add(name, start, System.nanoTime());
            }
        }
    }
}
