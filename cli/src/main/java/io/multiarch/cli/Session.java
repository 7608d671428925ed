package io.multiarch.cli;

import io.multiarch.docker.DockerCli;
import io.multiarch.process.LocalCommandRunner;
import io.multiarch.process.OutputListener;
import io.multiarch.timeline.Timeline;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * What every part of one CLI run shares: its console, the process seam and the docker executable, the signals that
 * stop it and the build they stop ({@code current}), and its clock.
 *
 * @param console   output of builds and tests, from outside: made inert before it reaches the terminal
 * @param dockerCli the docker CLI of this machine's daemon
 * @param launch    how the run was started: by this JVM, or by a client of the resident server
 */
record Session(PrintWriter out, PrintWriter err, OutputListener console, LocalCommandRunner runner, String dockerPath,
               DockerCli dockerCli, Signals signals, AtomicReference<Consumer<String>> current, Timeline timeline,
               Launch launch) {

    /** The docker CLI of this machine's daemon, or of another one through {@code env} (DOCKER_HOST, DOCKER_CONTEXT). */
    DockerCli docker(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(dockerCli.env());
        all.putAll(env);
        return new DockerCli(dockerPath, all, runner).withContainerLabels(Orphans.labels());
    }

    /** A toolchain probe that failed, said on the console: a signal's, an interrupt's, or an unusable toolchain's end. */
    Stopped probeFailed(Exception e, String what) {
        if (signals.received() != null) {
            err.println("multiarch: " + signals.received() + " while probing the toolchain: nothing was built");
            return new Stopped(Signals.exitCode(signals.received()));
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new Stopped(ExitCodes.FAILED);
        }
        err.println("multiarch: " + what + ", nothing was built: " + e.getMessage());
        return new Stopped(ExitCodes.TOOLCHAIN);
    }
}
