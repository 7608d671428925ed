package io.multiarch.result;

import java.io.Serializable;

/**
 * One phase of a platform's work on the run's clock, for the timeline: when it started and ended, in seconds since
 * the run started. Gaps between a platform's phases are time it waited (for a pool thread, for its batch).
 *
 * @param name {@code binfmt}, {@code build}, {@code push}, {@code test} or {@code publish}
 */
public record Phase(String name, double start, double end) implements Serializable {
    private static final long serialVersionUID = 1L;

    public double seconds() {
        return Math.max(0, end - start);
    }
}
