package io.multiarch.cli;

import io.multiarch.docker.Toolchain;
import io.multiarch.docker.ToolchainProbe;
import io.multiarch.platform.Platform;
import io.multiarch.timeline.Timeline;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The toolchain a run starts on: as an earlier run probed it (remembered for this boot), with a probe beside the
 * build whose verdict the publish waits for ({@link Recheck}); or, when nothing is remembered or recalling is not
 * allowed, probed first.
 *
 * @param recheck present when the run starts on a remembered toolchain
 */
record ToolchainStart(Toolchain toolchain, Optional<Recheck> recheck) {

    /** The environment the docker CLI runs in: this process's, with the CLI's own settings over it. */
    static Map<String, String> dockerEnv(Session session) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(session.dockerCli().env());
        return env;
    }

    /** What is remembered for this docker executable and environment on this boot, if there is a place for it. */
    static Optional<RememberedToolchain> memory(Session session) {
        return RememberedToolchain.of(session.dockerPath(), dockerEnv(session), RememberedToolchain.bootId());
    }

    /**
     * @param mayRecall whether the run may start on a remembered toolchain: not with endpoints, and not for a variant
     *                  matrix, which publishes through its own gate
     * @param memory    what is remembered for this docker environment ({@link #memory})
     * @throws Stopped when the toolchain cannot be used, or a signal came during the probe
     */
    static ToolchainStart of(Session session, List<Platform> localPlatforms, boolean mayRecall,
                             Optional<RememberedToolchain> memory) throws Stopped {
        Timeline timeline = session.timeline();
        Map<String, String> env = dockerEnv(session);
        Optional<Toolchain> assumed = mayRecall ? memory.flatMap(m -> m.recall(localPlatforms)) : Optional.empty();
        if (assumed.isPresent()) {
            // the builds start on the toolchain as an earlier run probed it; it is probed again beside them, and the
            // publish waits for that probe: it goes on only if the two agree
            CompletableFuture<Toolchain> probed = new CompletableFuture<>();
            Thread probing = new Thread(() -> {
                try (Timeline.Phase phase = timeline.start("toolchain probe (beside the build)")) {
                    // the builder is not asked for: each build names the one it ran on, checked against the assumed one
                    probed.complete(ToolchainProbe.recheck(session.dockerCli(), localPlatforms, BootNativeMemory.forLocalDaemon(env),
                            assumed.get()));
                } catch (Exception | Error e) {
                    probed.completeExceptionally(e);
                }
            }, "multiarch-probe");
            probing.setDaemon(true);
            probing.start();
            session.out().println("toolchain (as probed before; probed again beside the build, and nothing is published unless it "
                    + "agrees): " + assumed.get().describe());
            return new ToolchainStart(assumed.get(), Optional.of(new Recheck(probed, assumed.get(), localPlatforms, memory)));
        }
        Toolchain toolchain;
        try (Timeline.Phase phase = timeline.start("toolchain probe")) {
            toolchain = ToolchainProbe.probe(session.dockerCli(), localPlatforms, BootNativeMemory.forLocalDaemon(env));
        } catch (IOException | InterruptedException e) {
            throw session.probeFailed(e, "the docker toolchain cannot be used");
        }
        memory.ifPresent(m -> m.remember(toolchain, localPlatforms));
        session.out().println("toolchain: " + toolchain.describe());
        return new ToolchainStart(toolchain, Optional.empty());
    }
}
