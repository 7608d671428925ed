package io.multiarch.build;

import io.multiarch.buildx.Manifest;
import io.multiarch.registry.Registry;
import io.multiarch.request.BuildRequest;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What the run's first tag served before the run published anything: the index each platform's size change is
 * measured against. Read once for every platform of a run, on its own thread, from the first {@link #start}: a run
 * starts it beside its builds, so no platform waits for it after its push.
 */
final class PreviousIndex {
    private final Registry registry;
    private final String reference;
    private CompletableFuture<Optional<Manifest>> read;

    /** What {@code request}'s first tag serves, read through {@code registry}. */
    PreviousIndex(Registry registry, BuildRequest request) {
        this.registry = registry;
        this.reference = request.image().withTag(request.tags().get(0));
    }

    /** Starts the read if nothing started it yet; returns at once. */
    synchronized CompletableFuture<Optional<Manifest>> start() {
        if (read == null) {
            CompletableFuture<Optional<Manifest>> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    Optional<String> served = registry.read(reference);
                    f.complete(served.isEmpty() ? Optional.empty() : Optional.of(Manifest.parse(served.get())));
                } catch (IOException e) {
                    f.complete(Optional.empty()); // a new tag ("not found"), or unreadable: nothing to compare with
                } catch (InterruptedException e) {
                    f.complete(Optional.empty());
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            }, "multiarch-previous-index");
            t.setDaemon(true);
            t.start();
            read = f;
        }
        return read;
    }

    /** The index (or single manifest) the tag served; empty when it served none or could not be read. */
    Optional<Manifest> get() throws InterruptedException {
        try {
            return start().get();
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }
}
