package io.multiarch.cli;

/** A run that ends before it builds anything (already said on the console), with its exit code. */
final class Stopped extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    Stopped(int exitCode) {
        super(null, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
