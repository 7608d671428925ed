package io.multiarch.process;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One process to run: an argv list (never a shell line), extra environment, an optional working directory,
 * a timeout, and optional standard input (the only way secrets reach a process: never argv).
 *
 * @param argv      program and arguments, passed as they are
 * @param env       variables added to the runner's environment
 * @param workDir   working directory, or empty for the runner's default
 * @param timeout   after this the process is killed and the result says it timed out
 * @param stdin     bytes written to standard input, then closed; empty for none
 * @param onTimeout a command run after a timeout to clean up what the killed client left running
 *                  (e.g. {@code docker rm -f NAME}: killing the docker CLI does not stop its container); it
 *                  runs with the same environment and working directory as the command
 */
public record Command(List<String> argv, Map<String, String> env, Optional<String> workDir, Duration timeout,
                      byte[] stdin, Optional<List<String>> onTimeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public Command {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        stdin = stdin.clone();
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs a program");
        }
    }

    public static Command of(List<String> argv) {
        return new Command(argv, Map.of(), Optional.empty(), DEFAULT_TIMEOUT, new byte[0], Optional.empty());
    }

    public Command withTimeout(Duration value) {
        return new Command(argv, env, workDir, value, stdin, onTimeout);
    }

    public Command withEnv(Map<String, String> value) {
        return new Command(argv, value, workDir, timeout, stdin, onTimeout);
    }

    public Command withWorkDir(String value) {
        return new Command(argv, env, Optional.of(value), timeout, stdin, onTimeout);
    }

    public Command withStdin(String value) {
        return withStdin(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Binary standard input, e.g. a tar stream for {@code docker image import -}. */
    public Command withStdin(byte[] value) {
        return new Command(argv, env, workDir, timeout, value, onTimeout);
    }

    public Command withOnTimeout(List<String> cleanup) {
        return new Command(argv, env, workDir, timeout, stdin, Optional.of(List.copyOf(cleanup)));
    }

    /** The argv as one line for logs and {@code --dry-run}, each argument quoted where a shell would need it. */
    public String display() {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(a.matches("[A-Za-z0-9_./:=@,+%^-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Command c && c.argv.equals(argv) && c.env.equals(env) && c.workDir.equals(workDir)
                && c.timeout.equals(timeout) && java.util.Arrays.equals(c.stdin, stdin) && c.onTimeout.equals(onTimeout);
    }

    @Override
    public int hashCode() {
        return argv.hashCode();
    }

    @Override
    public String toString() {
        return "Command[" + display() + "]";
    }
}
