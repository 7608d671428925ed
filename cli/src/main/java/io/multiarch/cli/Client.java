package io.multiarch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code bin/multiarch} starts for a build: it has the run done by the resident {@link Server} of its identity
 * ({@link ServerIdentity}: the same directory, environment, user and JVM) when one is up, and does it itself
 * otherwise. A served run skips the JVM's start and its first, uncompiled pass through the code, which on a
 * 2-core machine cost about a tenth of a 3-platform build (bench/README.md, figure 1c). The client relays the run's
 * output and its exit code, and forwards SIGINT, SIGTERM and SIGHUP to it; a second signal ends the client at once
 * (exit 137), as it ends a run of the client's own.
 *
 * <p>After a run of its own, when no server was there, it writes {@code serve} to the file the wrapper names
 * ({@value #REQUEST_PROPERTY}): the wrapper then starts a server for the next run, after this one has ended (the
 * server finds its socket from its own identity).
 */
public final class Client {
    /** The system property with the file in which the wrapper wants the socket of a server to start. */
    static final String REQUEST_PROPERTY = "multiarch.server.request";

    private Client() {
    }

    public static void main(String[] args) {
        Main.mainEntered = System.nanoTime();
        System.exit(run(args));
    }

    static int run(String[] args) {
        Optional<Path> socket = Optional.empty();
        ServerIdentity identity = null;
        // no lambda on this path: each first one costs a start some milliseconds
        if (!"off".equals(System.getenv("MULTIARCH_SERVER")) && servable(List.of(args))) {
            identity = ServerIdentity.ofThisProcess();
            Optional<Path> dir = ServerIdentity.socketDir(System.getenv());
            if (dir.isPresent()) {
                socket = Optional.of(identity.socket(dir.get()));
            }
        }
        if (socket.isPresent() && Files.exists(socket.get())) {
            Frames.Request request = new Frames.Request(identity, ProcessClock.processOriginNanos(), Main.mainEntered, args);
            Served served = served(socket.get(), request, System.out, System.err, true);
            if (served.code().isPresent()) {
                return served.code().getAsInt();
            }
            if (served.refused()) {
                socket = Optional.empty(); // another server's socket: none is started for this run
            }
        }
        int code = Main.run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        String request = System.getProperty(REQUEST_PROPERTY, "");
        if (socket.isPresent() && !request.isEmpty()) {
            try {
                Files.writeString(Path.of(request), "serve\n");
            } catch (IOException e) {
                // no server then: the next run is a run of its own again
            }
        }
        return code;
    }

    /** A build that runs (not its help, version or dry run): the only command worth a server. */
    static boolean servable(List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("build")) {
            return false;
        }
        for (String a : args) {
            if (a.equals("--dry-run") || a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
                return false;
            }
        }
        return true;
    }

    /** What the server did with a request: served it (its exit code), refused it, or was not there. */
    record Served(OptionalInt code, boolean refused) {
    }

    /** The run done by the server at {@code socket}, its output relayed here. */
    static Served served(Path socket, Frames.Request request, java.io.PrintStream out, java.io.PrintStream err,
            boolean forwardSignals) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            return new Served(OptionalInt.empty(), false); // none listens (a server that ended): a run of our own
        }
        boolean accepted = false;
        try (channel) {
            Frames frames = new Frames(channel);
            frames.write(Frames.REQUEST, request.encode());
            Frames.Frame answer = frames.read();
            if (answer == null || answer.type() != Frames.ACCEPTED) {
                return new Served(OptionalInt.empty(), answer != null && answer.type() == Frames.REFUSED);
            }
            accepted = true;
            if (forwardSignals) {
                forwardSignals(frames);
            }
            for (Frames.Frame f = frames.read(); f != null; f = frames.read()) {
                switch (f.type()) {
                    case Frames.OUT -> {
                        out.write(f.body());
                        out.flush();
                    }
                    case Frames.ERR -> {
                        err.write(f.body());
                        err.flush();
                    }
                    case Frames.EXIT -> {
                        return new Served(OptionalInt.of(ByteBuffer.wrap(f.body()).getInt()), false);
                    }
                    default -> {
                        // a frame of a later version: skipped
                    }
                }
            }
            err.println("multiarch: the resident server ended the run's connection before the run ended (its log: "
                    + Server.log(socket) + ")");
            return new Served(OptionalInt.of(ExitCodes.FAILED), false);
        } catch (IOException e) {
            if (!accepted) {
                return new Served(OptionalInt.empty(), false);
            }
            err.println("multiarch: lost the resident server during the run: " + e.getMessage());
            return new Served(OptionalInt.of(ExitCodes.FAILED), false);
        }
    }

    /**
     * SIGINT, SIGTERM and SIGHUP go to the served run ({@link Signals}, as a run of this JVM's own takes them): the first
     * stops it (its builds and tests stopped, its report written, its exit code 128 + the signal's number); the next
     * one ends this client at once (137), and the server, seeing it gone, forces the run's end as for a hang-up.
     */
    private static void forwardSignals(Frames frames) {
        new Signals(signal -> {
            try {
                frames.write(Frames.SIGNAL, signal);
            } catch (IOException e) {
                // the server is gone: the read loop says so
            }
        }, () -> Runtime.getRuntime().halt(ExitCodes.INTERRUPTED_BASE + 9));
    }
}
