package io.multiarch.process;

import java.io.IOException;

/**
 * The one seam through which the engine starts processes. The CLI runs commands locally
 * ({@link LocalCommandRunner}); the Jenkins plugin runs them on an agent through its {@code Launcher}.
 * Implementations never pass argv through a shell, read output as UTF-8, honour the timeout and report it.
 */
public interface CommandRunner {

    /**
     * Runs a command to its end (or its timeout), streaming output to the listener and capturing it.
     *
     * @throws IOException          when the program cannot be started
     * @throws InterruptedException when the caller is interrupted; the process is then killed
     */
    CommandResult run(Command command, OutputListener listener) throws IOException, InterruptedException;
}
