package io.multiarch.docker;

import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;

import java.io.IOException;

/** A docker command failed; the message holds the command and the tail of its error output. */
public class DockerException extends IOException {
    private static final long serialVersionUID = 1L;

    public DockerException(Command command, CommandResult result) {
        super("'" + command.display() + "' " + (result.timedOut() ? "timed out after " + command.timeout().toSeconds() + "s"
                : "exited with " + result.exitCode()) + (result.tail(8).isBlank() ? "" : ":\n" + result.tail(8)));
    }

    public DockerException(String message) {
        super(message);
    }
}
