package io.multiarch.buildx;

import io.multiarch.process.CommandResult;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads why a {@code docker buildx build} failed, from the last {@code ERROR: failed to solve:} (or {@code ERROR: failed
 * to run Build function:}) line buildx prints,
 * to tell failures that building again cannot change from those it may: a Dockerfile that does not parse, a file
 * the Dockerfile copies that is not in the context, or a registry that refuses the connection fail the same way on
 * every platform and every attempt, so they are neither retried nor built again platform by platform. Anything
 * else (a {@code RUN} step that fails, a crash under QEMU, a push answered with a 500) may be transient or
 * platform-specific.
 */
public final class BuildFailure {
    /**
     * How buildx begins the line of a build's error: {@code failed to solve:} mostly, {@code failed to run Build
     * function:} when the frontend's error reaches it first (seen with a Dockerfile that does not parse, under load).
     */
    private static final List<String> ERRORS = List.of("ERROR: failed to solve:", "ERROR: failed to run Build function:");

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
            for (String start : ERRORS) {
                if (line.startsWith(start)) {
                    found = line.strip();
                }
            }
        }
        return found;
    }
}
