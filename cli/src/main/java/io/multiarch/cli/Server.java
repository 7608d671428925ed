package io.multiarch.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resident JVM that runs builds for {@link Client}s of its own identity, so that a run after the first pays
 * neither the JVM's start nor its first, uncompiled pass through the code. Started by {@code bin/multiarch} after a
 * build that found none (in a session of its own, its log in a {@code .log} next to its socket), it listens on a Unix
 * socket named after its {@link ServerIdentity}, in a directory only its user can enter, and serves only a client
 * whose identity is exactly its own: the same working directory, environment, user, groups, umask, JVM and jar.
 * Each run is the CLI's own ({@link Main#run}), in a thread of its own; runs of several clients at once are as
 * independent as runs of several processes. It ends when no run has come for {@code MULTIARCH_SERVER_IDLE} minutes
 * (10 by default), when its socket is removed, and when the jar it runs from changed.
 */
public final class Server {
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);

    private final ServerIdentity identity;
    private final Path socket;
    private final Object socketKey;
    private final ServerSocketChannel listener;
    private final Duration idle;
    /** Runs under way, their housekeeping included; {@link #busy} exists while there is one. */
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong lastUsed = new AtomicLong(System.nanoTime());
    private final AtomicLong served = new AtomicLong();
    /** What ends the server: the JVM's exit, or in a test the end of {@link #serve()}. */
    private final Runnable exit;

    private Server(ServerIdentity identity, Path socket, ServerSocketChannel listener, Duration idle, Runnable exit)
            throws IOException {
        this.identity = identity;
        this.socket = socket;
        this.listener = listener;
        this.idle = idle;
        this.exit = exit;
        this.socketKey = Files.readAttributes(socket, BasicFileAttributes.class).fileKey();
    }

    /** Serves at the socket of this process's identity. */
    public static void main(String[] args) {
        ServerIdentity identity = ServerIdentity.ofThisProcess();
        Optional<Path> dir = ServerIdentity.socketDir(System.getenv(), false);
        if (dir.isEmpty()) {
            log("not started: no directory for its socket that only this user can enter (its client makes it)");
            System.exit(ExitCodes.FAILED);
        }
        Path socket = identity.socket(dir.get());
        removeOldLogs(dir.get());
        try {
            // its log: next to its socket (the wrapper sends its standard streams nowhere)
            System.setErr(new java.io.PrintStream(new java.io.FileOutputStream(log(socket).toFile(), true), true, Charset.defaultCharset()));
        } catch (IOException e) {
            // no log then
        }
        try {
            Optional<Server> server = start(identity, socket, idle(System.getenv("MULTIARCH_SERVER_IDLE")), () -> System.exit(0));
            if (server.isEmpty()) {
                log("another server serves " + socket);
                System.exit(0);
            }
            server.get().serve();
        } catch (IOException e) {
            log("ended: " + e);
            System.exit(ExitCodes.FAILED);
        }
    }

    /** The idle time from MULTIARCH_SERVER_IDLE (minutes), or the default. */
    static Duration idle(String minutes) {
        try {
            long m = Long.parseLong(Objects.requireNonNullElse(minutes, "").strip());
            return m > 0 ? Duration.ofMinutes(m) : DEFAULT_IDLE;
        } catch (NumberFormatException e) {
            return DEFAULT_IDLE;
        }
    }

    /**
     * A server listening at {@code socket}; empty when another one does already.
     *
     * @param exit what ends it (the JVM's exit), once it stopped listening and no run is under way
     */
    static Optional<Server> start(ServerIdentity identity, Path socket, Duration idle, Runnable exit) throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            listener.bind(address);
        } catch (IOException inUse) {
            try (SocketChannel probe = SocketChannel.open(address)) {
                listener.close();
                return Optional.empty(); // it answers: that server serves
            } catch (IOException stale) {
                Files.deleteIfExists(socket); // left by a server that ended without removing it
                listener.bind(address);
            }
        }
        log("serving " + socket + " (pid " + ProcessHandle.current().pid() + ", idle limit " + idle.toMinutes() + " min)");
        return Optional.of(new Server(identity, socket, listener, idle, exit));
    }

    /** Accepts clients until the server stops listening; each one's run in a thread of its own. */
    void serve() throws IOException {
        Thread watch = new Thread(this::watch, "multiarch-server-watch");
        watch.setDaemon(true);
        watch.start();
        while (listener.isOpen()) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (java.nio.channels.ClosedChannelException e) {
                return;
            }
            busy(+1);
            Thread run = new Thread(() -> {
                try (client) {
                    handle(client);
                } catch (IOException | RuntimeException e) {
                    log("a client's run ended with " + e);
                } finally {
                    lastUsed.set(System.nanoTime());
                    busy(-1);
                }
            }, "multiarch-served-run");
            run.start();
        }
    }

    /** One client: its identity checked, its run done, its output and exit code sent back, its signals delivered. */
    void handle(SocketChannel client) throws IOException {
        Frames frames = new Frames(client);
        Frames.Frame first = frames.read();
        if (first == null || first.type() != Frames.REQUEST) {
            return;
        }
        Frames.Request request = Frames.Request.decode(first.body());
        if (!request.identity().equals(identity)) {
            String why = "this server serves another directory, environment or JVM (differing: "
                    + identity.difference(request.identity()) + ")";
            log("refused a client: " + why);
            frames.write(Frames.REFUSED, why);
            return;
        }
        ServerIdentity now = ServerIdentity.ofThisProcess();
        if (!now.equals(identity)) { // the jar was rebuilt in place
            frames.write(Frames.REFUSED, "this server's own identity changed since it started");
            log("ending: this process's identity changed (" + identity.difference(now) + ")");
            end(1);
            return;
        }
        frames.write(Frames.ACCEPTED, new byte[0]);
        SignalRelay relay = new SignalRelay();
        Thread signals = new Thread(() -> {
            try {
                for (Frames.Frame f = frames.read(); f != null; f = frames.read()) {
                    if (f.type() == Frames.SIGNAL) {
                        relay.deliver(f.text());
                    }
                }
            } catch (IOException e) {
                // the client is gone: as a hang-up, below
            }
            relay.deliver("SIGHUP"); // the client ended before its run (killed, or its terminal closed): the run stops
        }, "multiarch-client-signals");
        signals.setDaemon(true);
        signals.start();
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(frames.stream(Frames.OUT), charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(frames.stream(Frames.ERR), charset), true);
        Launch launch = Launch.served(request.originNanos(), request.mainNanos(), relay, Server::log);
        int code;
        long t0 = System.nanoTime();
        try {
            code = Main.run(launch, out, err, request.args());
        } catch (RuntimeException | Error e) {
            err.println("multiarch: the resident server's run failed: " + e);
            code = ExitCodes.FAILED;
        }
        out.flush();
        err.flush();
        long number = served.incrementAndGet();
        String done = String.format("run %d served: exit %d after %.2f s", number, code, (System.nanoTime() - t0) / 1e9);
        try {
            frames.write(Frames.EXIT, ByteBuffer.allocate(4).putInt(code).array());
            log(done);
        } catch (IOException e) {
            log(done + "; its client was gone (" + e.getMessage() + ")");
        }
        // the client has its exit code: what the run left to do after it (LocalRun), off its path
        Thread.interrupted();
        long h0 = System.nanoTime();
        for (Runnable work = launch.afterRun().poll(); work != null; work = launch.afterRun().poll()) {
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                log("run " + number + ": its housekeeping failed: " + e);
            }
        }
        log(String.format("run %d: housekeeping after it done in %.2f s", number, (System.nanoTime() - h0) / 1e9));
    }

    /**
     * Counts a run in or out; the file {@code server-….busy} next to the socket exists while one is under way,
     * its housekeeping after the client's exit included (bench/run.sh waits for it to go before timing the next
     * command, so that no measurement takes in the work of the one before).
     */
    private void busy(int delta) {
        synchronized (active) {
            int now = active.addAndGet(delta);
            try {
                if (now == 1 && delta > 0) {
                    Files.writeString(busyFile(), "");
                } else if (now == 0) {
                    Files.deleteIfExists(busyFile());
                }
            } catch (IOException e) {
                // only a sign for whoever waits for the server to be idle
            }
        }
    }

    private Path busyFile() {
        return sibling(socket, ".busy");
    }

    /** The file key of what is at the socket's path now; null when nothing is. */
    private Object socketKeyNow() {
        try {
            return Files.readAttributes(socket, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Ends the server when it has been idle too long, or when its socket is gone or another's. */
    private void watch() {
        while (true) {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                return;
            }
            if (!Objects.equals(socketKeyNow(), socketKey)) {
                log("ending: " + socket + " was removed");
                end(0);
                return;
            }
            if (active.get() == 0 && Duration.ofNanos(System.nanoTime() - lastUsed.get()).compareTo(idle) > 0) {
                log("ending: no run for " + idle.toMinutes() + " min");
                end(0);
                return;
            }
        }
    }

    /**
     * Stops listening, removes its socket and busy mark (when they are still its own), and ends once no other run is
     * under way.
     *
     * @param own the runs of the calling thread (1 from a run's own thread, 0 from the watch), not waited for
     */
    void end(int own) {
        boolean ours = Objects.equals(socketKeyNow(), socketKey);
        try {
            listener.close();
            if (ours) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            // gone already
        }
        while (active.get() > own) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                break;
            }
        }
        if (ours) {
            try {
                Files.deleteIfExists(busyFile());
            } catch (IOException e) {
                // only a sign for whoever waits
            }
        }
        exit.run();
    }

    /** The logs of servers that ended (no socket next to them) and were not written for a week. */
    static void removeOldLogs(Path dir) {
        java.nio.file.attribute.FileTime weekAgo = java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofDays(7)));
        try (java.nio.file.DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "server-*.log")) {
            for (Path log : logs) {
                if (!Files.exists(sibling(log, ".sock")) && Files.getLastModifiedTime(log).compareTo(weekAgo) < 0) {
                    Files.deleteIfExists(log);
                }
            }
        } catch (IOException e) {
            // left for the next server
        }
    }

    /** The log of the server at {@code socket}. */
    static Path log(Path socket) {
        return sibling(socket, ".log");
    }

    /** The file next to {@code file} of the same name with {@code extension} instead of its own. */
    private static Path sibling(Path file, String extension) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + extension);
    }

    private static void log(String line) {
        System.err.println(Instant.now() + " multiarch server: " + line);
    }
}
