package io.multiarch.docker;

import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import io.multiarch.process.CommandRunner;
import io.multiarch.process.OutputListener;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The docker command line as the engine uses it: which executable, which daemon and configuration (through
 * {@code DOCKER_HOST}, {@code DOCKER_CONFIG}, … in {@link #env()}), and the {@link CommandRunner} that runs it.
 * Every docker call of the engine is made from here, as an argv list.
 */
public final class DockerCli {
    private final String executable;
    private final Map<String, String> env;
    private final CommandRunner runner;
    private final Map<String, String> containerLabels;
    private final String buildx;

    public DockerCli(String executable, Map<String, String> env, CommandRunner runner) {
        this(executable, env, runner, Map.of(), "");
    }

    private DockerCli(String executable, Map<String, String> env, CommandRunner runner, Map<String, String> containerLabels,
                      String buildx) {
        this.executable = executable;
        this.env = Map.copyOf(env);
        this.runner = runner;
        this.containerLabels = Map.copyOf(containerLabels);
        this.buildx = buildx;
    }

    /**
     * The same CLI, running buildx as {@code buildxPath build …} (buildx standalone, which it supports) instead of
     * {@code docker buildx build …}: the docker CLI's own start and its look-up of the plugin ({@code
     * docker-buildx docker-cli-plugin-metadata}), about 0.2 s per build measured here, are not on the way to the build.
     * The path must be the plugin the docker CLI itself would run ({@link Toolchain#buildxPath()}); buildx reads the
     * same environment ({@code DOCKER_HOST}, {@code DOCKER_CONFIG}, {@code DOCKER_CONTEXT}) and builder configuration.
     * {@code ""}: through the docker CLI.
     */
    public DockerCli withBuildx(String buildxPath) {
        return new DockerCli(executable, env, runner, containerLabels, buildxPath == null ? "" : buildxPath);
    }

    /** {@code docker buildx ARGS…}, or the buildx plugin run standalone ({@link #withBuildx}), with this CLI's environment. */
    public Command buildx(List<String> args) {
        return buildx.isEmpty() ? command(prepend("buildx", args)) : Command.of(prepend(buildx, args)).withEnv(env);
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> argv = new ArrayList<>(rest.size() + 1);
        argv.add(first);
        argv.addAll(rest);
        return argv;
    }

    /**
     * The same CLI, putting these labels on every container the engine starts through it (tests, probes): how the
     * CLI marks its containers with their owner, so that a later run can remove those of a process that died.
     */
    public DockerCli withContainerLabels(Map<String, String> labels) {
        return new DockerCli(executable, env, runner, labels, buildx);
    }

    /** The labels for every container started through this CLI, sorted by name. */
    public Map<String, String> containerLabels() {
        return new java.util.TreeMap<>(containerLabels);
    }

    /**
     * The variables of {@code env} that tell buildx what to do with the git repository of a build's context
     * ({@code BUILDX_GIT_INFO}, {@code BUILDX_GIT_LABELS}, {@code BUILDX_GIT_CHECK_DIRTY}): a front end passes these
     * of its user's environment into its docker CLI's, so that a build without provenance leaves buildx's git look-up
     * on where the user set one of them (see {@code BuildxCommands}).
     */
    public static Map<String, String> buildxGitSettings(Map<String, String> env) {
        Map<String, String> settings = new java.util.TreeMap<>();
        for (String name : List.of("BUILDX_GIT_INFO", "BUILDX_GIT_LABELS", "BUILDX_GIT_CHECK_DIRTY")) {
            String value = env.get(name);
            if (value != null) {
                settings.put(name, value);
            }
        }
        return settings;
    }

    public String executable() {
        return executable;
    }

    public Map<String, String> env() {
        return env;
    }

    /** {@code docker ARGS…} as a command, with this CLI's environment. */
    public Command command(List<String> args) {
        return Command.of(prepend(executable, args)).withEnv(env);
    }

    public Command command(String... args) {
        return command(List.of(args));
    }

    public CommandResult run(Command command, OutputListener listener) throws IOException, InterruptedException {
        return runner.run(command, listener);
    }

    /** Runs a short query and returns its standard output, or throws with the command's error output. */
    public String query(Duration timeout, String... args) throws IOException, InterruptedException {
        return query(command(args).withTimeout(timeout));
    }

    /** Runs a command quietly and returns its standard output, or throws with its error output. */
    public String query(Command c) throws IOException, InterruptedException {
        CommandResult r = runner.run(c, OutputListener.NONE);
        if (!r.succeeded()) {
            throw new DockerException(c, r);
        }
        return r.stdout();
    }
}
