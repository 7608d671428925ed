package io.multiarch.build;

import io.multiarch.buildx.Descriptor;
import io.multiarch.buildx.Manifest;
import io.multiarch.platform.Platform;
import io.multiarch.registry.Registry;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.ImageName;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What the run's first tag served before the run published anything: the index each platform's size change is
 * measured against. Read once for every platform of a run, on its own thread, from the first {@link #start}: a run
 * starts it beside its builds, so no platform waits for it after its push. Each platform's image in it is read the
 * same way, once, from the first {@link #size}: a run asks for every platform's beside its builds too.
 */
final class PreviousIndex {
    private final Registry registry;
    private final ImageName image;
    private final String reference;
    private CompletableFuture<Optional<Manifest>> read;
    private final Map<Platform, CompletableFuture<Long>> sizes = new HashMap<>();

    /** What {@code request}'s first tag serves, read through {@code registry}. */
    PreviousIndex(Registry registry, BuildRequest request) {
        this.registry = registry;
        this.image = request.image();
        this.reference = image.withTag(request.tags().get(0));
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

    /**
     * {@code platform}'s size (the sum of its layers) in the index the tag served, read on its own thread from the
     * first call, after the index; -1 when the tag served no index, the index has no image for the platform, or it
     * could not be read. A single image is not compared: which platform it is would need its config.
     */
    synchronized CompletableFuture<Long> size(Platform platform) {
        return sizes.computeIfAbsent(platform, p -> {
            CompletableFuture<Long> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    f.complete(readSize(p));
                } catch (InterruptedException e) {
                    f.complete(-1L);
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            }, "multiarch-previous-size-" + p.slug());
            t.setDaemon(true);
            t.start();
            return f;
        });
    }

    private long readSize(Platform platform) throws InterruptedException {
        Optional<Manifest> served = get();
        if (served.isEmpty() || !served.get().isIndex()) {
            return -1;
        }
        Optional<Descriptor> entry = served.get().imageFor(platform);
        if (entry.isEmpty()) {
            return -1;
        }
        try {
            Optional<String> raw = registry.read(image.withDigest(entry.get().digest()));
            return raw.isEmpty() ? -1 : Manifest.parse(raw.get()).layersSize();
        } catch (IOException e) {
            return -1; // unreadable: nothing to compare with
        }
    }
}
