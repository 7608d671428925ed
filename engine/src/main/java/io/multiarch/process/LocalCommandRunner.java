package io.multiarch.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine with {@link ProcessBuilder}: the only place in the engine that does.
 * Output is decoded as UTF-8, both streams are drained concurrently in bounded memory (lines longer than
 * {@link LineSplitter#MAX_LINE} keep their end, the captured output its last {@link #MAX_CAPTURE} characters).
 *
 * <p>A process that reaches its timeout, or whose caller is interrupted, is stopped within about a second: its
 * clean-up command ({@link Command#onTimeout()}, e.g. {@code docker rm -f NAME}) starts at once, the process tree
 * gets SIGTERM, and whatever still runs {@link #KILL_GRACE} later gets SIGKILL. {@link #stopAll()} does the same
 * to every process still running, for a JVM that is going down.
 */
public final class LocalCommandRunner implements CommandRunner {
    /** The characters of each stream kept in a {@link CommandResult}: its end. */
    public static final int MAX_CAPTURE = 4 * 1024 * 1024;
    /** Between SIGTERM and SIGKILL. */
    public static final Duration KILL_GRACE = Duration.ofSeconds(1);
    private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PUMP_DRAIN = Duration.ofSeconds(2);

    private final Set<Running> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    private record Running(Process process, Command command) {
    }

    @Override
    public CommandResult run(Command command, OutputListener listener) throws IOException, InterruptedException {
        if (stopped) {
            throw new InterruptedException("the runner was stopped: no new processes");
        }
        ProcessBuilder pb = new ProcessBuilder(command.argv());
        pb.environment().putAll(command.env());
        command.workDir().ifPresent(d -> pb.directory(Path.of(d).toFile()));
        long start = System.nanoTime();
        Process process = pb.start();
        Running entry = new Running(process, command);
        running.add(entry);
        OutputTail out = new OutputTail(MAX_CAPTURE);
        OutputTail err = new OutputTail(MAX_CAPTURE);
        Thread outPump = pump(process.getInputStream(), out, listener, false);
        Thread errPump = pump(process.getErrorStream(), err, listener, true);
        boolean timedOut = false;
        long ended;
        try {
            try (OutputStream stdin = process.getOutputStream()) {
                if (command.stdin().length > 0) {
                    stdin.write(command.stdin());
                }
            } catch (IOException e) {
                // the process did not read its input: its exit code tells the rest
            }
            if (!process.waitFor(command.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                stop(entry);
            }
            ended = System.nanoTime();
        } catch (InterruptedException e) {
            stop(entry); // the caller gave up: leave nothing running behind it
            throw e;
        } finally {
            running.remove(entry);
        }
        outPump.join(PUMP_DRAIN.toMillis());
        errPump.join(PUMP_DRAIN.toMillis());
        return new CommandResult(timedOut ? -1 : process.exitValue(), out.toString(), err.toString(),
                Duration.ofNanos(ended - start), timedOut);
    }

    /**
     * Stops every process this runner started that is still running (with its clean-up), and refuses new ones:
     * for a JVM that is going down. Returns when they are gone or after about {@link #CLEANUP_TIMEOUT}.
     */
    public void stopAll() {
        stopped = true;
        List<Thread> stoppers = new ArrayList<>();
        for (Running r : List.copyOf(running)) {
            Thread t = new Thread(() -> stop(r), "multiarch-stop");
            t.setDaemon(true);
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            joinUninterruptibly(t, CLEANUP_TIMEOUT.plusSeconds(5));
        }
    }

    /**
     * Starts the clean-up, sends SIGTERM to the process tree, SIGKILL to what is left after {@link #KILL_GRACE}, then
     * waits for the clean-up. Not interruptible (an interrupt is kept for the caller): it is what interruption needs.
     */
    private void stop(Running r) {
        Process process = r.process();
        Command command = r.command();
        Process cleanup = command.onTimeout().map(argv -> startCleanUp(argv, command)).orElse(null);
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        if (!waitUninterruptibly(process, KILL_GRACE)) {
            tree.addAll(process.descendants().toList());
            tree.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            waitUninterruptibly(process, Duration.ofSeconds(5));
        }
        if (cleanup != null && !waitUninterruptibly(cleanup, CLEANUP_TIMEOUT)) {
            cleanup.destroyForcibly();
        }
    }

    /** The clean-up command, with the command's environment and directory, output discarded; null if it cannot start. */
    private static Process startCleanUp(List<String> argv, Command command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(command.env());
            command.workDir().ifPresent(d -> pb.directory(Path.of(d).toFile()));
            return pb.start();
        } catch (IOException e) {
            return null; // best effort: the timeout or interruption is reported either way
        }
    }

    private static boolean waitUninterruptibly(Process p, Duration limit) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                try {
                    return p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void joinUninterruptibly(Thread t, Duration limit) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (t.isAlive() && System.nanoTime() < deadline) {
                try {
                    t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Thread pump(InputStream in, OutputTail sink, OutputListener listener, boolean error) {
        Thread t = new Thread(() -> {
            LineSplitter lines = new LineSplitter(line -> {
                sink.append(line);
                listener.line(line, error);
            });
            char[] buffer = new char[8192];
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                int n;
                while ((n = r.read(buffer)) >= 0) {
                    lines.feed(buffer, 0, n);
                }
            } catch (IOException e) {
                // stream closed when the process was killed
            }
            lines.finish();
        }, "process-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
