package io.multiarch.result;

import java.io.Serializable;

/**
 * What the per-platform test did: its exit code (-1 when it timed out or could not start), how long it ran and
 * its output (standard output then standard error, cut to {@link #MAX_OUTPUT} characters from the end).
 */
public record TestOutcome(String command, int exitCode, boolean timedOut, double seconds, String output)
        implements Serializable {

    public static final int MAX_OUTPUT = 64 * 1024;

    public TestOutcome {
        if (output.length() > MAX_OUTPUT) {
            output = "…(cut)\n" + output.substring(output.length() - MAX_OUTPUT);
        }
    }

    public boolean passed() {
        return exitCode == 0 && !timedOut;
    }
}
