package io.jenkins.plugins.multiarch;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Proc;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.process.CommandRunner;
import io.multiarch.process.OutputListener;
import jenkins.util.Timer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine's process seam on a Jenkins agent: every docker command of a platform build or a publish starts
 * through the step's {@link Launcher}, so it runs on the agent that holds the workspace, never on the controller.
 * The argv goes to the launcher as a list (no shell), standard input carries secrets, output is decoded as UTF-8
 * line by line in bounded memory, and a timeout or an abort runs the command's clean-up and kills the process at
 * once.
 */
final class AgentCommandRunner implements CommandRunner {
    /**
     * The environment variable every command of a platform stage carries, with a value of that stage's own: after
     * an abort or a controller restart, {@link Launcher#kill(java.util.Map)} finds and stops what is left of them.
     */
    static final String COOKIE = "MULTIARCH_STEP_COOKIE";
    /** Which attempt of the stage a command belongs to: an abort stops its own attempt's commands only. */
    static final String ATTEMPT = "MULTIARCH_STEP_ATTEMPT";
    private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(60);

    private final Launcher launcher;
    private final EnvVars environment;
    private final FilePath workDir;
    private final TaskListener listener;

    /**
     * @param environment the step's environment (the agent's plus {@code withEnv}); each command's own variables
     *                    are added to it
     * @param workDir     the directory commands run in unless they name one
     */
    AgentCommandRunner(Launcher launcher, EnvVars environment, FilePath workDir, TaskListener listener) {
        this.launcher = launcher;
        this.environment = environment;
        this.workDir = workDir;
        this.listener = listener;
    }

    @Override
    public CommandResult run(Command command, OutputListener output) throws IOException, InterruptedException {
        output.line("$ " + displayed(command), false);
        EnvVars env = new EnvVars(environment);
        env.putAll(command.env());
        LineOutputStream out = new LineOutputStream(output, false);
        LineOutputStream err = new LineOutputStream(output, true);
        Launcher.ProcStarter starter = launcher.launch()
                .cmds(literal(command.argv()))
                .envs(env)
                .quiet(true)
                .pwd(command.workDir().map(d -> new FilePath(workDir.getChannel(), d)).orElse(workDir))
                .stdout(out)
                .stderr(err);
        if (command.stdin().length > 0) {
            starter.stdin(new ByteArrayInputStream(command.stdin()));
        }
        long start = System.nanoTime();
        Proc proc = starter.start();
        AtomicBoolean timedOut = new AtomicBoolean();
        // the timer only hands over: stopping blocks on remote calls, which belong on the remoting pool
        ScheduledFuture<?> deadline = Timer.get().schedule(() -> Computer.threadPoolForRemoting.submit(() -> {
            timedOut.set(true);
            stop(proc, command, env);
        }), command.timeout().toMillis(), TimeUnit.MILLISECONDS);
        int exit;
        try {
            exit = proc.join();
        } catch (InterruptedException e) {
            deadline.cancel(false);
            boolean cleared = Thread.interrupted();
            stop(proc, command, env);
            if (cleared) {
                Thread.currentThread().interrupt();
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        syncOutput();
        out.close();
        err.close();
        return new CommandResult(timedOut.get() ? -1 : exit, out.captured(), err.captured(), elapsed, timedOut.get());
    }

    /**
     * Ends a command that timed out or whose step was aborted, in about a second: its clean-up (removing its
     * container, which ends a {@code docker run} at once) starts first, then the process tree is killed, and the
     * clean-up is waited for. Jenkins' kill waits up to five seconds for SIGTERM before SIGKILL; without the
     * clean-up, a {@code docker run} would wait out its container's own stop grace period.
     */
    private void stop(Proc proc, Command command, EnvVars env) {
        Proc cleanup = command.onTimeout().map(argv -> startCleanUp(argv, env)).orElse(null);
        try {
            proc.kill();
        } catch (IOException | InterruptedException e) {
            listener.getLogger().println(Messages.AgentCommandRunner_cleanupFailed(String.join(" ", command.argv()), e.getMessage()));
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        if (cleanup != null) {
            try {
                cleanup.joinWithTimeout(CLEANUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS, listener);
            } catch (IOException | InterruptedException e) {
                listener.getLogger().println(Messages.AgentCommandRunner_cleanupFailed(
                        String.join(" ", command.onTimeout().get()), e.getMessage()));
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * The argv as Jenkins' launcher must get it to start exactly {@code argv}: the launcher expands {@code $NAME},
     * <code>${NAME}</code> and {@code $$} in every argument with the process's environment ({@code EnvVars.expand}),
     * so a user's test command, build argument or label holding a {@code $} would otherwise run changed (and could
     * pull the agent's variables into argv). Doubling every {@code $} makes that expansion give back the original.
     */
    static List<String> literal(List<String> argv) {
        return argv.stream().map(a -> a.replace("$", "$$")).toList();
    }

    /** The command line as logged: a command that reads secrets from standard input shows only its program and verb. */
    static String displayed(Command command) {
        if (command.stdin().length == 0) {
            return command.display();
        }
        List<String> argv = command.argv();
        return String.join(" ", argv.subList(0, Math.min(2, argv.size()))) + " " + Messages.AgentCommandRunner_stdinHidden();
    }

    /** Best effort: the timeout or abort is reported either way. */
    private Proc startCleanUp(List<String> argv, EnvVars env) {
        try {
            return launcher.launch().cmds(literal(argv)).envs(env).quiet(true).pwd(workDir).stdout(TaskListener.NULL).start();
        } catch (IOException e) {
            listener.getLogger().println(Messages.AgentCommandRunner_cleanupFailed(String.join(" ", argv), e.getMessage()));
            return null;
        }
    }

    /** Output copied over the remoting channel may still be in flight when the process has ended. */
    private void syncOutput() throws InterruptedException {
        VirtualChannel channel = launcher.getChannel();
        if (channel != null) {
            channel.syncLocalIO();
        }
    }
}
