package io.multiarch.build;

import io.multiarch.buildx.Descriptor;
import io.multiarch.buildx.Manifest;
import io.multiarch.registry.Registry;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * A {@link Registry} that has started some reads by digest before they are asked for: an image manifest named by its
 * digest, then the config blob that manifest names. What a digest names never changes, so a read started early
 * answers the question asked later. A batch starts them for the image manifests its exporter wrote, once it reports
 * the index pushed, beside its read of that index: each platform's size look-up then finds its manifest and config
 * read, instead of reading them one after the other after the index.
 *
 * <p>A read ahead that failed, or was not started, is asked of the registry again when the question comes: reading
 * ahead never changes an answer, it can only make it earlier. Everything else goes to the registry.
 */
final class ReadAhead implements Registry {
    private final Registry registry;
    private final Map<String, CompletableFuture<Optional<String>>> manifests = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<String>>> configs = new ConcurrentHashMap<>();

    ReadAhead(Registry registry) {
        this.registry = registry;
    }

    /**
     * Starts reading {@code reference} ({@code host/repo@sha256:…}) on its own thread, and then, when it is an image
     * manifest, its config blob; returns at once. Once per reference.
     */
    void start(String reference) {
        if (!reference.contains("@sha256:")) {
            throw new IllegalArgumentException("not a reference by digest: " + reference);
        }
        CompletableFuture<Optional<String>> manifest = new CompletableFuture<>();
        if (manifests.putIfAbsent(reference, manifest) != null) {
            return;
        }
        Thread t = new Thread(() -> {
            CompletableFuture<Optional<String>> blob = null;
            try {
                Optional<String> raw = registry.read(reference);
                String configDigest = raw.isPresent() ? configOf(raw.get()) : null;
                if (configDigest != null) {
                    blob = new CompletableFuture<>();
                    if (configs.putIfAbsent(configDigest, blob) != null) {
                        blob = null; // read already
                    }
                }
                manifest.complete(raw); // after the config's read is registered: a look-up asks for it next
                if (blob != null) {
                    blob.complete(registry.readConfig(reference, configDigest));
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                manifest.completeExceptionally(e);
                if (blob != null) {
                    blob.completeExceptionally(e);
                }
            } finally {
                // an Error: whoever waits asks the registry itself (a no-op for what completed above)
                manifest.completeExceptionally(new IllegalStateException("not read ahead"));
                if (blob != null) {
                    blob.completeExceptionally(new IllegalStateException("not read ahead"));
                }
            }
        }, "multiarch-read-ahead");
        t.setDaemon(true);
        t.start();
    }

    /** The digest of the config {@code raw} names, when it is an image manifest that parses; else null. */
    private static String configOf(String raw) {
        try {
            Descriptor config = Manifest.parse(raw).config();
            return config != null ? config.digest() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public Optional<String> read(String reference) throws IOException, InterruptedException {
        Optional<Optional<String>> early = answered(manifests.get(reference));
        return early.isPresent() ? early.get() : registry.read(reference);
    }

    @Override
    public Optional<String> readConfig(String reference) throws IOException, InterruptedException {
        return registry.readConfig(reference);
    }

    @Override
    public Optional<String> readConfig(String reference, String configDigest) throws IOException, InterruptedException {
        Optional<Optional<String>> early = answered(configs.get(configDigest));
        return early.isPresent() ? early.get() : registry.readConfig(reference, configDigest);
    }

    /** The answer of a read started early, waited for; empty when none was started or it failed (then ask again). */
    private static Optional<Optional<String>> answered(CompletableFuture<Optional<String>> read) throws InterruptedException {
        if (read == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(read.get());
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean writes() {
        return registry.writes();
    }

    @Override
    public void write(String reference, String manifest) throws IOException, InterruptedException {
        registry.write(reference, manifest);
    }
}
