package io.multiarch.result;

/** How one platform ended. */
public enum Status {
    /** Built, pushed, and its test (if any) passed. */
    PASSED,
    /** The emulator check, the build or the test failed. */
    FAILED,
    /** Never started: fail-fast stopped the run, or the run was cancelled. */
    SKIPPED;

    /** Lower case, as reports show it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
