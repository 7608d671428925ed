package io.multiarch.process;

/**
 * The last {@code capacity} characters of a process's output, in bounded memory (at most twice the capacity), and
 * how many came before them: error messages are at the end, so the end is what is kept. Thread-safe.
 */
public final class OutputTail {
    private final int capacity;
    private final StringBuilder text = new StringBuilder();
    private long dropped;

    public OutputTail(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void append(String line) {
        text.append(line).append('\n');
        if (text.length() > 2 * capacity) {
            int cut = text.length() - capacity;
            dropped += cut;
            text.delete(0, cut);
        }
    }

    /** How many characters were dropped from the start. */
    public synchronized long dropped() {
        return dropped;
    }

    /** The kept text, after a line {@code […N characters dropped]} when anything was dropped. */
    @Override
    public synchronized String toString() {
        if (text.length() > capacity) {
            dropped += text.length() - capacity;
            text.delete(0, text.length() - capacity);
        }
        return dropped == 0 ? text.toString() : "[…" + dropped + " characters dropped]\n" + text;
    }
}
