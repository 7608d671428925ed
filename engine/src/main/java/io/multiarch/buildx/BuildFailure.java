package io.multiarch.buildx;

import io.multiarch.process.CommandResult;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads why a {@code docker buildx build} failed, from the last {@code ERROR: failed to solve:} line buildx prints,
 * to tell failures that building again cannot change from those it may: a Dockerfile that does not parse, a file
 * the Dockerfile copies that is not in the context, or a registry that refuses the connection fail the same way on
 * every platform and every attempt, so they are neither retried nor built again platform by platform. Anything
 * else (a {@code RUN} step that fails, a crash under QEMU, a push answered with a 500) may be transient or
 * platform-specific.
 */
public final class BuildFailure {
    private static final String SOLVE = "ERROR: failed to solve:";

    private BuildFailure() {
    }

    /** For a failure that another attempt cannot change: why, in a sentence, with buildx's own line. */
    public static Optional<String> permanent(CommandResult build) {
        if (build.succeeded() || build.timedOut()) {
            return Optional.empty();
        }
        String line = lastSolveError(build.stderr().isBlank() ? build.stdout() : build.stderr());
        if (line.isEmpty()) {
            return Optional.empty();
        }
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.contains("dockerfile parse error")) {
            return Optional.of("the Dockerfile does not parse (" + line + ")");
        }
        if (lower.contains("failed to calculate checksum of ref") && lower.contains("not found")) {
            return Optional.of("a file the Dockerfile copies is not in the build context (" + line + ")");
        }
        if (lower.contains("connect: connection refused")) {
            return Optional.of("a registry refused the connection (" + line + ")");
        }
        return Optional.empty();
    }

    private static String lastSolveError(String text) {
        String found = "";
        for (String line : text.split("\n")) {
            if (line.startsWith(SOLVE)) {
                found = line.strip();
            }
        }
        return found;
    }
}
