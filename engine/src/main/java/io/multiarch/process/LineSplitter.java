package io.multiarch.process;

import java.util.function.Consumer;

/**
 * Splits a stream of characters into lines in bounded memory, however long a line is: a line longer than
 * {@link #MAX_LINE} characters keeps its last {@code MAX_LINE} characters, prefixed with how many were dropped
 * ({@code […1234 characters dropped] }). A line ends at {@code \n}; a {@code \r} right before it is removed, any
 * other {@code \r} stays in the line (consoles make it inert, see {@link ConsoleText}).
 *
 * <p>One splitter per stream; not thread-safe.
 */
public final class LineSplitter {
    /** The longest line passed on whole. */
    public static final int MAX_LINE = 64 * 1024;

    private final int max;
    private final Consumer<String> sink;
    /** A ring of the line's last {@code max} characters: {@code start} is its oldest, {@code size} how many. */
    private final char[] ring;
    private int start;
    private int size;
    private long dropped;

    public LineSplitter(Consumer<String> sink) {
        this(MAX_LINE, sink);
    }

    LineSplitter(int max, Consumer<String> sink) {
        this.max = max;
        this.sink = sink;
        this.ring = new char[max];
    }

    /** Feeds characters; every line completed by them goes to the sink. */
    public void feed(char[] chars, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c == '\n') {
                emit();
            } else {
                append(c);
            }
        }
    }

    /** The last line, if the stream did not end with a line break. */
    public void finish() {
        if (size > 0 || dropped > 0) {
            emit();
        }
    }

    private void append(char c) {
        if (size < max) {
            ring[(start + size) % max] = c;
            size++;
        } else {
            ring[start] = c;
            start = (start + 1) % max;
            dropped++;
        }
    }

    private void emit() {
        int length = size;
        if (length > 0 && ring[(start + length - 1) % max] == '\r') {
            length--;
        }
        StringBuilder line = new StringBuilder(length + 40);
        if (dropped > 0) {
            line.append("[…").append(dropped).append(" characters dropped] ");
        }
        for (int i = 0; i < length; i++) {
            line.append(ring[(start + i) % max]);
        }
        start = 0;
        size = 0;
        dropped = 0;
        sink.accept(line.toString());
    }
}
