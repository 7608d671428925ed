package io.jenkins.plugins.multiarch;

import io.multiarch.process.LineSplitter;
import io.multiarch.process.OutputListener;
import io.multiarch.process.OutputTail;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A process's output, decoded as UTF-8 as it streams (a character split across two writes is never garbled), split
 * into lines in bounded memory whatever a line's length (the engine's {@link LineSplitter}), each line handed to the
 * engine's {@link OutputListener}, and the last {@link #MAX_CAPTURE} characters kept for the command's result.
 */
final class LineOutputStream extends OutputStream {
    static final int MAX_CAPTURE = 4 * 1024 * 1024;
    private static final int BUFFER = 8192;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
    private final CharBuffer chars = CharBuffer.allocate(BUFFER);
    private final LineSplitter lines;
    private final OutputTail captured = new OutputTail(MAX_CAPTURE);
    private boolean closed;

    LineOutputStream(OutputListener listener, boolean error) {
        this.lines = new LineSplitter(line -> {
            captured.append(line);
            listener.line(line, error);
        });
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        while (len > 0) {
            int n = Math.min(len, bytes.remaining());
            bytes.put(b, off, n);
            off += n;
            len -= n;
            decode(false);
        }
    }

    /** Passes on a last line that had no line break. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        decode(true);
        CoderResult r;
        do {
            r = decoder.flush(chars);
            drainChars();
        } while (r.isOverflow());
        lines.finish();
    }

    synchronized String captured() {
        return captured.toString();
    }

    private void decode(boolean endOfInput) {
        bytes.flip();
        CoderResult r;
        do {
            r = decoder.decode(bytes, chars, endOfInput);
            drainChars();
        } while (r.isOverflow());
        bytes.compact();
    }

    private void drainChars() {
        chars.flip();
        lines.feed(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
        chars.clear();
    }
}
