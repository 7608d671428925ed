package io.multiarch.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine with {@link ProcessBuilder}: the only place in the engine that does.
 * Output is decoded as UTF-8, both streams are drained concurrently, and a timeout kills the process tree.
 */
public final class LocalCommandRunner implements CommandRunner {
    private static final int MAX_CAPTURE = 4 * 1024 * 1024;

    @Override
    public CommandResult run(Command command, OutputListener listener) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command.argv());
        pb.environment().putAll(command.env());
        command.workDir().ifPresent(d -> pb.directory(Path.of(d).toFile()));
        long start = System.nanoTime();
        Process process = pb.start();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        Thread outPump = pump(process.getInputStream(), out, listener, false);
        Thread errPump = pump(process.getErrorStream(), err, listener, true);
        try (OutputStream stdin = process.getOutputStream()) {
            if (command.stdin().length > 0) {
                stdin.write(command.stdin());
            }
        } catch (IOException e) {
            // the process did not read its input: its exit code tells the rest
        }
        boolean timedOut = false;
        try {
            if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                kill(process);
            }
        } catch (InterruptedException e) {
            kill(process);
            if (command.onTimeout().isPresent()) {
                cleanUp(command); // the caller gave up: leave no container running behind the killed client
            }
            throw e;
        }
        outPump.join(Duration.ofSeconds(10).toMillis());
        errPump.join(Duration.ofSeconds(10).toMillis());
        if (timedOut && command.onTimeout().isPresent()) {
            cleanUp(command);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        synchronized (out) {
            synchronized (err) {
                return new CommandResult(timedOut ? -1 : process.exitValue(), out.toString(), err.toString(), elapsed, timedOut);
            }
        }
    }

    private static void cleanUp(Command command) {
        boolean interrupted = Thread.interrupted();
        try {
            ProcessBuilder pb = new ProcessBuilder(command.onTimeout().orElseThrow()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(command.env());
            command.workDir().ifPresent(d -> pb.directory(Path.of(d).toFile()));
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            // best effort: the timeout or interruption is reported either way
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        boolean interrupted = Thread.interrupted();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException | InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Thread pump(InputStream in, StringBuilder sink, OutputListener listener, boolean error) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (sink) {
                        if (sink.length() < MAX_CAPTURE) {
                            sink.append(line).append('\n');
                        }
                    }
                    listener.line(line, error);
                }
            } catch (IOException e) {
                // stream closed when the process was killed
            }
        }, "process-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
