package io.multiarch.build;

import io.multiarch.buildx.Descriptor;
import io.multiarch.buildx.ImageConfig;
import io.multiarch.buildx.Manifest;
import io.multiarch.plan.PlatformTask;
import io.multiarch.platform.Platform;
import io.multiarch.registry.Registry;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.Tag;
import io.multiarch.result.ImageSize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A pushed platform image's size, read from the registry beside its test: the sum of its layers, its biggest layers
 * named by their build step, the same platform's size under the run's first tag before the publish, and the budget.
 */
final class SizeLookup {
    private final BuildRequest request;
    private final PlatformTask task;
    private final AgentContext agent;
    private final PreviousIndex previous;
    private final Registry registry;

    /**
     * @param previous what the run's first tag served before the run, shared by the run's platforms
     * @param registry where the image is read: the agent's, or one that has read it ahead ({@link ReadAhead})
     */
    SizeLookup(BuildRequest request, PlatformTask task, AgentContext agent, PreviousIndex previous, Registry registry) {
        this.request = request;
        this.task = task;
        this.agent = agent;
        this.previous = previous;
        this.registry = registry;
    }

    /** The size with this platform's budget, if it has one. */
    ImageSize budgeted(ImageSize size) {
        OptionalLong budget = request.sizeBudget().forPlatform(task.platform());
        return budget.isPresent() ? size.withBudget(budget.getAsLong(), request.sizeBudget().warnOnly()) : size;
    }

    /** What is wrong with the size against the budget, {@code ""} when nothing is. */
    static String overBudget(ImageSize size) {
        if (!size.overBudget()) {
            return "";
        }
        String budget = "the size budget of " + ImageSize.format(size.budgetBytes());
        String what = !size.known()
                ? "the image size could not be read, so " + budget + " could not be checked"
                : "the image is " + ImageSize.format(size.bytes()) + " compressed, over " + budget
                + " by " + ImageSize.format(size.bytes() - size.budgetBytes());
        return what + (size.budgetWarnOnly() ? " (a warning only)" : "");
    }

    /** Starts the size look-up on its own thread, so that it costs nothing next to the test. */
    CompletableFuture<ImageSize> start(String digest) {
        CompletableFuture<ImageSize> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(measure(digest));
            } catch (InterruptedException e) {
                f.complete(ImageSize.UNKNOWN);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "multiarch-size-" + task.platform().slug());
        t.setDaemon(true);
        t.start();
        return f;
    }

    ImageSize join(CompletableFuture<ImageSize> size) throws InterruptedException {
        try {
            return size.get();
        } catch (ExecutionException e) {
            agent.output().line("could not read the image size: " + e.getCause().getMessage(), true);
            return ImageSize.UNKNOWN;
        }
    }

    /**
     * The image's size from the registry: the sum of the layer sizes of its manifest (the image entry inside the
     * small index that provenance makes), its biggest layers named by the build step in the config's history, and the
     * same platform's size in the index the run's first tag serves now, before the publish (read beside the rest).
     */
    private ImageSize measure(String digest) throws InterruptedException {
        Platform platform = task.platform();
        CompletableFuture<Long> before = previous.size(platform);
        Manifest m;
        String reference = request.image().withDigest(digest);
        try (var phase = agent.timeline().start(platform + ": read the image size")) {
            try {
                m = Manifest.parse(readManifest(reference));
                if (m.isIndex()) {
                    Optional<Descriptor> image = m.imageFor(platform);
                    if (image.isEmpty()) {
                        return ImageSize.UNKNOWN;
                    }
                    reference = request.image().withDigest(image.get().digest());
                    m = Manifest.parse(readManifest(reference));
                }
            } catch (IOException e) {
                agent.output().line("could not read the image size: " + e.getMessage(), true);
                return ImageSize.UNKNOWN;
            }
            Tag tag = request.tags().get(0);
            List<ImageSize.Layer> biggest = biggestLayers(m, reference);
            return new ImageSize(m.layersSize(), previousSize(before), tag.value(), 0, false, biggest);
        }
    }

    /** The biggest layers, biggest first, each with the step that made it (empty when the config cannot be read). */
    private List<ImageSize.Layer> biggestLayers(Manifest m, String reference) throws InterruptedException {
        if (m.layers() == null || m.layers().isEmpty()) {
            return List.of();
        }
        List<String> steps = List.of();
        try {
            Optional<String> config = m.config() != null && m.config().digest() != null
                    ? registry.readConfig(reference, m.config().digest())
                    : registry.readConfig(reference);
            if (config.isPresent()) {
                steps = ImageConfig.parse(config.get()).layerSteps();
            }
        } catch (IOException e) {
            agent.output().line("could not read the image config, layers are named by digest only: " + e.getMessage(), true);
        }
        List<ImageSize.Layer> layers = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            Descriptor d = m.layers().get(i);
            // the history lists a step for every layer, in order, when it is complete; otherwise no step is named
            String step = steps.size() == m.layers().size() ? steps.get(i) : "";
            layers.add(new ImageSize.Layer(d.digest(), d.size(), step));
        }
        layers.sort(Comparator.comparingLong(ImageSize.Layer::bytes).reversed());
        return layers.subList(0, Math.min(ImageSize.BIGGEST_LAYERS, layers.size()));
    }

    /** This platform's size in the index the first tag served before the run; -1 when it, or the platform in it, is not there. */
    private static long previousSize(CompletableFuture<Long> before) throws InterruptedException {
        try {
            return before.get();
        } catch (ExecutionException e) {
            return -1; // unreadable: nothing to compare with
        }
    }

    private String readManifest(String reference) throws IOException, InterruptedException {
        return registry.read(reference).orElseThrow(() -> new IOException(reference + " is not in the registry"));
    }
}
