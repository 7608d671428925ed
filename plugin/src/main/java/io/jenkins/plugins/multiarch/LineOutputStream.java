package io.jenkins.plugins.multiarch;

import io.multiarch.process.OutputListener;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a process's output into lines, decodes each complete line as UTF-8 (so a character split across two
 * writes is never garbled), hands it to the engine's {@link OutputListener} and keeps up to a limit of it.
 */
final class LineOutputStream extends OutputStream {
    static final int MAX_CAPTURE = 4 * 1024 * 1024;

    private final OutputListener listener;
    private final boolean error;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder captured = new StringBuilder();

    LineOutputStream(OutputListener listener, boolean error) {
        this.listener = listener;
        this.error = error;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i - start);
                emit();
                start = i + 1;
            }
        }
        line.write(b, start, off + len - start);
    }

    /** Emits a last line that had no line break. */
    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            emit();
        }
    }

    synchronized String captured() {
        return captured.toString();
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (captured.length() < MAX_CAPTURE) {
            captured.append(text).append('\n');
        }
        listener.line(text, error);
    }
}
