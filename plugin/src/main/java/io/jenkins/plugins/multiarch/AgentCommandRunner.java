package io.jenkins.plugins.multiarch;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Proc;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.process.CommandRunner;
import io.multiarch.process.OutputListener;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine's process seam on a Jenkins agent: every docker command of a platform build or a publish starts
 * through the step's {@link Launcher}, so it runs on the agent that holds the workspace, never on the controller.
 * The argv goes to the launcher as a list (no shell), standard input carries secrets, output is decoded as UTF-8
 * line by line, and a timeout kills the process and runs the command's clean-up.
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
                .cmds(command.argv())
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
        int exit;
        try {
            exit = proc.joinWithTimeout(command.timeout().toMillis(), TimeUnit.MILLISECONDS, listener);
        } catch (InterruptedException e) {
            proc.kill();
            if (command.onTimeout().isPresent()) {
                cleanUp(command.onTimeout().get(), env);
            }
            throw e;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        syncOutput();
        out.close();
        err.close();
        // joinWithTimeout kills the process when the time is up and then returns its (non-zero) exit code
        boolean timedOut = exit != 0 && elapsed.compareTo(command.timeout()) >= 0;
        if (timedOut && command.onTimeout().isPresent()) {
            cleanUp(command.onTimeout().get(), env);
        }
        return new CommandResult(timedOut ? -1 : exit, out.captured(), err.captured(), elapsed, timedOut);
    }

    /** The command line as logged: a command that reads secrets from standard input shows only its program and verb. */
    static String displayed(Command command) {
        if (command.stdin().length == 0) {
            return command.display();
        }
        List<String> argv = command.argv();
        return String.join(" ", argv.subList(0, Math.min(2, argv.size()))) + " " + Messages.AgentCommandRunner_stdinHidden();
    }

    /** Best effort: the timeout is reported either way. */
    private void cleanUp(List<String> argv, EnvVars env) {
        boolean interrupted = Thread.interrupted();
        try {
            Proc p = launcher.launch().cmds(argv).envs(env).quiet(true).pwd(workDir)
                    .stdout(TaskListener.NULL).start();
            p.joinWithTimeout(CLEANUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS, listener);
        } catch (IOException | InterruptedException e) {
            listener.getLogger().println(Messages.AgentCommandRunner_cleanupFailed(String.join(" ", argv), e.getMessage()));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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
