package io.jenkins.plugins.multiarch;

import io.multiarch.result.Phase;

import java.io.Serializable;

/**
 * One phase of a platform's stage ({@code binfmt}, {@code build}, {@code push}, {@code test}) or of the publish, as
 * the build stores it: seconds since the plan was made, on the controller's clock, for the timeline of the build page
 * (the engine's {@link Phase}).
 */
public final class PhaseRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final double start;
    private final double end;

    private PhaseRecord(String name, double start, double end) {
        this.name = name;
        this.start = start;
        this.end = end;
    }

    static PhaseRecord of(Phase phase) {
        return new PhaseRecord(phase.name(), phase.start(), phase.end());
    }

    Phase toPhase() {
        return new Phase(name == null ? "" : name, start, end);
    }
}
