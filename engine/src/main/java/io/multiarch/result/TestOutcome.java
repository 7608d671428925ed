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

    /**
     * The signal that killed the test, by name ({@code SIGSEGV}): the test runs under docker's init, which exits
     * with 128 + the signal's number when its child dies of one. A test that exits with such a code itself reads the
     * same.
     */
    public java.util.Optional<String> signal() {
        if (timedOut || exitCode <= 128 || exitCode > 128 + 64) {
            return java.util.Optional.empty();
        }
        int n = exitCode - 128;
        return java.util.Optional.of(n < SIGNALS.length && !SIGNALS[n].isEmpty() ? "SIG" + SIGNALS[n] : "signal " + n);
    }

    /** Linux signal names by number, as the test's init (docker-init, on the daemon's machine) numbers them. */
    private static final String[] SIGNALS = {"", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1",
        "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
        "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
}
