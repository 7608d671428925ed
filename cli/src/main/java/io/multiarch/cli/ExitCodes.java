package io.multiarch.cli;

/** The CLI's exit codes, a contract for scripts and CI. */
public final class ExitCodes {
    /** Every required platform passed and the index is published (or a dry run printed its plan). */
    public static final int PUBLISHED = 0;
    /**
     * Not published. Either a required platform failed (no tag was created or moved), or the publish itself failed:
     * then the report says which step; only a failed read-back comes after the tags moved.
     */
    public static final int FAILED = 1;
    /** Invalid input: nothing was run. */
    public static final int INVALID_INPUT = 2;
    /** The toolchain cannot be used (no docker, daemon down, no buildx): nothing was built. */
    public static final int TOOLCHAIN = 3;

    private ExitCodes() {
    }
}
