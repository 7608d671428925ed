package io.multiarch.build;

import io.multiarch.buildx.BuildFailure;
import io.multiarch.buildx.BuildProgress;
import io.multiarch.process.CommandResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one attempt loop of a {@code buildx build}, per platform ({@link PlatformBuild}) or batched ({@link BatchBuild}):
 * a builder that refuses the registry cache export is asked again without it (not counted as an attempt); a failure
 * another attempt cannot change ({@link BuildFailure#permanent}) ends the loop; a build that failed only while pushing
 * is pushed again up to {@code pushRetries} times; any other failure is built again up to {@code retries} times.
 *
 * @param retries     failed builds built again (emulated platforms: {@code emulatedRetries})
 * @param pushRetries builds that failed only while pushing, built again (every step cached by then: a push)
 */
record BuildAttempts(int retries, int pushRetries) {

    /**
     * One run of the build, with its progress as read while it streamed.
     *
     * @param build     how the process ended; null when {@code handedOver} is present
     * @param handedOver present when the build's index was pushed and read back while its process still ran: the
     *                   attempt succeeded, and the process is finishing ({@link FinishingBuilds})
     */
    record Attempt(CommandResult build, BuildProgress progress, Optional<HandedOver> handedOver) {
        Attempt(CommandResult build, BuildProgress progress) {
            this(build, progress, Optional.empty());
        }

        boolean failed() {
            return handedOver.isEmpty() && !build.succeeded() && !build.timedOut();
        }
    }

    /**
     * A build whose pushed index was read back from the registry whole (an image for each of its platforms) while
     * its process was still running.
     *
     * @param indexDigest the index the exporter reported pushed
     * @param indexRaw    that index, as the registry serves it
     * @param runner      the thread that runs the process to its end and cleans up after it ({@link FinishingBuilds})
     */
    record HandedOver(String indexDigest, String indexRaw, Thread runner) {
    }

    /** Runs the build once, exporting the registry cache or not. */
    @FunctionalInterface
    interface Build {
        Attempt run(boolean cacheTo) throws IOException, InterruptedException;
    }

    /**
     * What the attempts came to.
     *
     * @param last        the last attempt, the one that counts
     * @param attempts    builds run, a cache fallback and push retries not counted
     * @param notes       for the results: the cache fallback, if any
     * @param pushRetries each push retry as it was said on the console
     * @param permanent   why another attempt could not change the last one's failure, if that is why it ended
     */
    record Outcome(Attempt last, int attempts, List<String> notes, List<String> pushRetries, Optional<String> permanent) {
        public Outcome {
            notes = List.copyOf(notes);
            pushRetries = List.copyOf(pushRetries);
        }
    }

    /**
     * @param what    what is built, for the console: {@code the batch}
     * @param cacheTo whether the first attempt exports the registry cache
     */
    Outcome run(AgentContext agent, String what, boolean cacheTo, Build build) throws IOException, InterruptedException {
        int attempts = 0;
        List<String> notes = new ArrayList<>();
        List<String> pushes = new ArrayList<>();
        while (true) {
            attempts++;
            Attempt a = build.run(cacheTo);
            if (!a.failed()) {
                return new Outcome(a, attempts, notes, pushes, Optional.empty());
            }
            if (cacheTo && refusesCacheExport(a.build())) {
                cacheTo = false;
                notes.add(cacheExportRefused(agent));
                agent.output().line(notes.get(notes.size() - 1), true);
                attempts--;
                continue;
            }
            Optional<String> permanent = BuildFailure.permanent(a.build());
            if (permanent.isPresent()) {
                return new Outcome(a, attempts, notes, pushes, permanent);
            }
            if (pushes.size() < pushRetries && a.progress().failedOnlyWhilePushing()) {
                String note = what + " was built but its push failed (" + a.build().tail(1).strip() + "); pushing again: retry "
                        + (pushes.size() + 1) + " of " + pushRetries;
                agent.output().line(note, true);
                pushes.add(note);
                attempts--;
                continue;
            }
            if (attempts > retries) {
                return new Outcome(a, attempts, notes, pushes, Optional.empty());
            }
            agent.output().line("build failed (exit " + a.build().exitCode() + "), retrying: attempt " + (attempts + 1) + " of "
                    + (retries + 1), true);
        }
    }

    /**
     * Why a build is not used because it ran on another builder than the agent's toolchain names (the run planned its
     * pushes for that builder's driver, and a run that starts on a remembered toolchain takes its builder as verified
     * by this); empty when it ran on that builder, or when buildx did not say (older than 0.10).
     */
    static Optional<String> otherBuilder(BuildProgress progress, io.multiarch.docker.Toolchain toolchain) {
        return progress.builder()
                .filter(b -> !b.name().equals(toolchain.builder()) || !b.driver().equals(toolchain.driver()))
                .map(b -> "buildx built on builder '" + b.name() + "' (driver " + b.driver() + "), not on '" + toolchain.builder()
                        + "' (driver " + toolchain.driver() + ") that this run's toolchain names: the current builder changed; "
                        + "the build is not used");
    }

    /** BuildKit's words when a driver cannot export cache (the docker driver without the containerd store). */
    static boolean refusesCacheExport(CommandResult r) {
        String text = r.stderr().toLowerCase(Locale.ROOT);
        return text.contains("cache export") && text.contains("not supported");
    }

    /** The note when {@link #refusesCacheExport} made a build run again without {@code --cache-to}. */
    static String cacheExportRefused(AgentContext agent) {
        return "the builder refuses to export a registry cache (driver " + agent.toolchain().driver()
                + "); built without --cache-to";
    }
}
