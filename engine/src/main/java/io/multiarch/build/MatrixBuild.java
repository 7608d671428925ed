package io.multiarch.build;

import io.multiarch.publish.Publisher;
import io.multiarch.request.Tag;
import io.multiarch.request.VariantRequest;
import io.multiarch.result.MatrixResult;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.RunResult;
import io.multiarch.result.VariantResult;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A matrix of variants × platforms in one call: each variant is a {@link MultiArchBuild} of its own (its platforms
 * batched or not, tested and gated as a run without variants), one variant after another. Each variant's index is
 * published only when its own required platforms passed, under its own tags, so one variant's failure moves no tag
 * of another; with {@code allOrNothing}, every variant is built first and none is published unless every one
 * passed its gate.
 */
public final class MatrixBuild {
    private final List<VariantRequest> variants;
    private final Function<VariantRequest, MultiArchBuild> builds;
    private final AgentContext publisher;
    private final boolean allOrNothing;
    private final Object lock = new Object();
    private MultiArchBuild current;
    private String stopReason;

    /**
     * @param builds    makes the build of one variant (its plan, its machines)
     * @param publisher the machine that publishes, for an all-or-nothing matrix
     */
    public MatrixBuild(List<VariantRequest> variants, Function<VariantRequest, MultiArchBuild> builds,
                       AgentContext publisher, boolean allOrNothing) {
        this.variants = List.copyOf(variants);
        this.builds = builds;
        this.publisher = publisher;
        this.allOrNothing = allOrNothing;
    }

    /** Stops the variant under way as {@link MultiArchBuild#stop} does; the variants not started are not built. */
    public void stop(String reason) {
        synchronized (lock) {
            if (stopReason != null) {
                return;
            }
            stopReason = reason;
            if (current != null) {
                current.stop(reason);
            }
        }
    }

    public MatrixResult run() throws InterruptedException {
        long t0 = System.nanoTime();
        List<VariantResult> results = new ArrayList<>();
        for (VariantRequest v : variants) {
            MultiArchBuild build = builds.apply(v);
            if (allOrNothing) {
                build.holdPublish("all or nothing: published only when every variant passed");
            }
            synchronized (lock) {
                if (stopReason != null) {
                    break;
                }
                current = build;
            }
            build.output().line("[variant " + v.name() + "] building " + v.request().platforms() + " for the tags "
                    + v.request().tags(), false);
            results.add(new VariantResult(v.name(), v.tagSuffix(), build.run()));
            synchronized (lock) {
                current = null;
            }
        }
        String interrupted;
        synchronized (lock) {
            interrupted = stopReason;
        }
        if (allOrNothing && interrupted == null) {
            results = publishAllOrNothing(results);
        }
        return new MatrixResult(results, allOrNothing, (System.nanoTime() - t0) / 1e9, interrupted == null ? "" : interrupted);
    }

    /** Every variant whose gate passed is published when all passed; otherwise none is, each saying why. */
    private List<VariantResult> publishAllOrNothing(List<VariantResult> built) throws InterruptedException {
        List<String> failed = built.stream().filter(v -> !v.run().blockers().isEmpty()).map(VariantResult::name).toList();
        List<VariantResult> out = new ArrayList<>();
        for (int i = 0; i < built.size(); i++) {
            VariantResult v = built.get(i);
            VariantRequest request = variants.get(i);
            Publisher publish = new Publisher(publisher.docker(), request.request(),
                    MultiArchBuild.prefixed(publisher.output(), "publish " + v.name()));
            List<PlatformResult> platforms = v.run().platforms();
            long p0 = System.nanoTime();
            PublishResult result = !v.run().blockers().isEmpty() ? publish.publish(platforms) // withheld, names its blockers
                    : !failed.isEmpty() ? publish.withhold(platforms, "all or nothing: not published because variant(s) "
                    + String.join(", ", failed) + " did not pass; no tag was created or moved")
                    : publish.publish(platforms);
            RunResult r = v.run();
            out.add(new VariantResult(v.name(), v.tagSuffix(), new RunResult(r.runId(), r.image(), r.tags(), r.toolchain(),
                    platforms, result, r.totalSeconds() + (System.nanoTime() - p0) / 1e9, r.interrupted(), r.timeline())));
        }
        return out;
    }

    /** The tags of every variant, for a plan. */
    public List<String> tags() {
        return variants.stream().flatMap(v -> v.request().tags().stream().map(Tag::value)).toList();
    }
}
