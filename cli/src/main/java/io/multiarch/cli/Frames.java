package io.multiarch.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The conversation of a {@link Client} and the {@link Server} over their Unix socket, in frames: a type byte, a length,
 * that many bytes. The client sends {@link #REQUEST} (its identity, its start times, its arguments), then
 * {@link #SIGNAL} for each signal it gets; the server answers {@link #ACCEPTED} or {@link #REFUSED} (why, in words),
 * then {@link #OUT} and {@link #ERR} for what the run prints and {@link #EXIT} with its exit code. Writes are
 * synchronized: output of several threads, and a signal while the client reads.
 */
final class Frames {
    static final byte REQUEST = 'R';
    static final byte SIGNAL = 'S';
    static final byte ACCEPTED = 'A';
    static final byte REFUSED = 'X';
    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte EXIT = 'Q';

    /** Larger frames are refused: nothing of a request or of a line of output comes near. */
    static final int MAX = 64 << 20;

    private final DataInputStream in;
    private final DataOutputStream out;

    Frames(SocketChannel channel) {
        // the channel's own streams (Channels.newInputStream) take one lock for reads and writes on JDK 17: a blocked read
        // would hold up every write, so these go to the channel directly
        this.in = new DataInputStream(new java.io.BufferedInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
        }));
        this.out = new DataOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        });
    }

    /** A frame read; null at the end of the stream. */
    Frame read() throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int length = in.readInt();
        if (length < 0 || length > MAX) {
            throw new IOException("a frame of " + length + " bytes");
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return new Frame((byte) type, body);
    }

    /** Writes one frame, whole, before any other. */
    void write(byte type, byte[] body, int off, int len) throws IOException {
        byte[] frame = new byte[5 + len];
        frame[0] = type;
        ByteBuffer.wrap(frame, 1, 4).putInt(len);
        System.arraycopy(body, off, frame, 5, len);
        synchronized (out) {
            out.write(frame);
        }
    }

    void write(byte type, byte[] body) throws IOException {
        write(type, body, 0, body.length);
    }

    void write(byte type, String text) throws IOException {
        write(type, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An output stream whose every write is one frame of {@code type}. */
    OutputStream stream(byte type) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    Frames.this.write(type, b, off, len);
                }
            }
        };
    }

    record Frame(byte type, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The request: the client's identity, its start times and its arguments. */
    record Request(ServerIdentity identity, long originNanos, long mainNanos, String[] args) {

        byte[] encode() throws IOException {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(bytes);
            byte[] id = identity.text().getBytes(StandardCharsets.UTF_8);
            d.writeInt(id.length);
            d.write(id);
            d.writeLong(originNanos);
            d.writeLong(mainNanos);
            d.writeInt(args.length);
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                d.writeInt(b.length);
                d.write(b);
            }
            return bytes.toByteArray();
        }

        static Request decode(byte[] body) throws IOException {
            DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(body));
            try {
                ServerIdentity identity = new ServerIdentity(new String(readBytes(d), StandardCharsets.UTF_8));
                long origin = d.readLong();
                long main = d.readLong();
                int n = d.readInt();
                if (n < 0 || n > 100_000) {
                    throw new IOException("a request with " + n + " arguments");
                }
                String[] args = new String[n];
                for (int i = 0; i < n; i++) {
                    args[i] = new String(readBytes(d), StandardCharsets.UTF_8);
                }
                return new Request(identity, origin, main, args);
            } catch (EOFException e) {
                throw new IOException("a request cut short", e);
            }
        }

        private static byte[] readBytes(DataInputStream d) throws IOException {
            int n = d.readInt();
            if (n < 0 || n > MAX) {
                throw new IOException("a field of " + n + " bytes");
            }
            byte[] b = new byte[n];
            d.readFully(b);
            return b;
        }
    }
}
