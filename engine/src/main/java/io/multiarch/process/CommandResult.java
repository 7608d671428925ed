package io.multiarch.process;

import java.time.Duration;

/** How a process ended: exit code (or -1 after a timeout), its captured output, and how long it took. */
public record CommandResult(int exitCode, String stdout, String stderr, Duration elapsed, boolean timedOut) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** The last lines of stderr (or stdout when stderr is empty), for error messages. */
    public String tail(int lines) {
        String text = stderr.isBlank() ? stdout : stderr;
        String[] all = text.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }
}
