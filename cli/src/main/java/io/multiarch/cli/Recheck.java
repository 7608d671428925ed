package io.multiarch.cli;

import io.multiarch.docker.Toolchain;
import io.multiarch.platform.Platform;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The probe that runs beside a build started on a remembered toolchain, and its verdict: the same toolchain
 * (publish), another one (stop, run again), or none (stop, the toolchain cannot be used). Decided once.
 */
final class Recheck {
    final CompletableFuture<Toolchain> probed;
    private final Toolchain assumed;
    private final List<Platform> platforms;
    private final Optional<RememberedToolchain> memory;
    private boolean decided;
    private Toolchain fresh;
    private String failure;

    Recheck(CompletableFuture<Toolchain> probed, Toolchain assumed, List<Platform> platforms, Optional<RememberedToolchain> memory) {
        this.probed = probed;
        this.assumed = assumed;
        this.platforms = platforms;
        this.memory = memory;
    }

    /** Waits for the probe; empty when it agrees, else why not. */
    synchronized Optional<String> verdict() throws InterruptedException {
        if (!decided) {
            try {
                fresh = probed.get();
                memory.ifPresent(m -> m.remember(fresh, platforms));
            } catch (ExecutionException e) {
                failure = String.valueOf(e.getCause().getMessage());
                memory.ifPresent(RememberedToolchain::forget);
            }
            decided = true;
        }
        if (failure != null) {
            return Optional.of("the docker toolchain cannot be used: " + failure);
        }
        return RememberedToolchain.sameFor(assumed, fresh, platforms) ? Optional.empty()
                : Optional.of("the toolchain is not the one this run started with");
    }

    /**
     * After a run that published nothing: the next run probes first instead of starting on the remembered toolchain.
     * Whatever failed (a build that ran on another builder than the remembered one, say), the memory is only a way to
     * start sooner, and a failed run is where it may be wrong.
     */
    void forgetRemembered() {
        memory.ifPresent(RememberedToolchain::forget);
    }

    /** After a verdict: whether the probe failed (rather than found another toolchain). */
    synchronized boolean failed() {
        return failure != null;
    }

    /** After a verdict: the toolchain as probed now, null when the probe failed. */
    synchronized Toolchain fresh() {
        return fresh;
    }
}
