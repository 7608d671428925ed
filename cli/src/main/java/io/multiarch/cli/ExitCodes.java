package io.multiarch.cli;

/** The CLI's exit codes, a contract for scripts and CI. */
public final class ExitCodes {
    /** Every required platform passed and the index is published (or a dry run printed its plan). */
    public static final int PUBLISHED = 0;
    /**
     * Not published, and every tag serves what it served before. Either a required platform failed (no tag was
     * created or moved), or the publish itself failed and the tags it had moved were moved back.
     */
    public static final int FAILED = 1;
    /** Invalid input: nothing was run. */
    public static final int INVALID_INPUT = 2;
    /** The toolchain cannot be used (no docker, daemon down, no buildx): nothing was built. */
    public static final int TOOLCHAIN = 3;
    /**
     * The publish failed part way and could not put every tag back: report.json's {@code tagStates} names each tag
     * and the digest it serves now (a tag this publish created, which the registry API cannot remove, or a roll-back
     * that failed).
     */
    public static final int TAGS_LEFT_CHANGED = 4;
    /**
     * Stopped by a signal: 128 + its number, 130 for SIGINT (Ctrl-C), 143 for SIGTERM, 129 for SIGHUP. Builds and
     * tests were stopped, their containers removed, nothing was published, and the report says {@code interrupted}.
     */
    public static final int INTERRUPTED_BASE = 128;

    private ExitCodes() {
    }
}
