package io.multiarch.publish;

import io.multiarch.buildx.BuildxCommands;
import io.multiarch.buildx.Manifest;
import io.multiarch.docker.DockerCli;
import io.multiarch.docker.DockerException;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.OutputListener;
import io.multiarch.registry.ImagetoolsRegistry;
import io.multiarch.registry.Registry;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.Tag;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.TagState;
import io.multiarch.timeline.Timeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The gated publish: one OCI index of every platform that passed, under every requested tag, only when every
 * required platform passed. The index is composed with {@code imagetools create --dry-run} and checked before
 * any tag moves. Then the digest each tag serves is recorded, and the tags move, each read back at
 * once: it must list exactly the platforms that passed (attestation entries aside) under the composed digest.
 *
 * <p>A publish that fails part way (a registry error, a failed read-back, an interruption) moves back every tag
 * it moved, to the index it served before, and says so for each tag ({@link TagState}). Tags that existed move
 * first, tags that did not exist last: the registry API cannot remove a tag, so a tag this publish created cannot
 * be undone, and a tag that held a single image manifest cannot be re-created exactly by imagetools; those are
 * reported with the digest they serve ({@link PublishResult#tagsLeftChanged()}). A tag that someone else moved
 * meanwhile is left as it is. A withheld publish touches no tag.
 *
 * <p>What costs time is kept off the path where the guarantees allow it: an index a batch pushed already that lists
 * exactly the platforms that passed ({@link PreparedIndex}) is published as it is, without composing one; the tags
 * are read before at once; the tags that served an index (each can be put back exactly) are moved and read back
 * at once, then single manifests and new tags one at a time (a failure stops before a tag that cannot be undone
 * moves); with a {@link Registry} that {@link Registry#writes() writes}, a tag is moved by one {@code PUT} of the
 * composed index instead of an {@code imagetools create}.
 */
public final class Publisher {
    private final DockerCli docker;
    private final BuildRequest request;
    private final BuildxCommands commands;
    private final OutputListener output;
    private final Registry registry;
    private final Timeline timeline;

    /** A publish that asks the registry through {@code imagetools} (the plugin's agents). */
    public Publisher(DockerCli docker, BuildRequest request, OutputListener output) {
        this(docker, request, output, new ImagetoolsRegistry(docker), Timeline.NONE);
    }

    public Publisher(DockerCli docker, BuildRequest request, OutputListener output, Registry registry, Timeline timeline) {
        this.docker = docker;
        this.request = request;
        this.commands = new BuildxCommands(docker, request);
        this.output = output;
        this.registry = registry;
        this.timeline = timeline;
    }

    /**
     * An index already pushed to the repository (by a batch build) as the registry serves it: published as it is
     * when it lists exactly the platforms that passed, with no index composed.
     *
     * @param digest its digest in the repository
     * @param raw    its bytes, as read from the registry
     */
    public record PreparedIndex(String digest, String raw) {
    }

    /** The {@code imagetools create} commands a real publish would run, one per tag, for {@code --dry-run}. */
    public List<Command> plannedCommands(List<String> digests) {
        return request.tags().stream().map(t -> commands.createIndex(digests, t)).toList();
    }

    /** A publish withheld for a reason of the caller's (an interrupted run): no tag is read or touched. */
    public PublishResult withhold(List<PlatformResult> results, String why) {
        return PublishResult.withheld(request.tags().stream().map(Tag::value).toList(), leftovers(results), why);
    }

    private List<String> leftovers(List<PlatformResult> results) {
        return results.stream().filter(r -> !r.tempTag().isEmpty())
                .map(r -> request.image().fullName() + ":" + r.tempTag()).distinct().toList();
    }

    /**
     * Publishes, or withholds. Never throws for a failure of the registry: every outcome is a result. When the
     * calling thread is interrupted while tags move, the tags are moved back first, then the result is returned
     * with the thread's interrupt flag set again.
     */
    public PublishResult publish(List<PlatformResult> results) throws InterruptedException {
        return publish(results, Optional.empty());
    }

    /**
     * {@link #publish(List)}, publishing {@code prepared} as it is when it lists exactly the platforms that passed
     * (and hashes to its digest); otherwise an index is composed as usual.
     */
    public PublishResult publish(List<PlatformResult> results, Optional<PreparedIndex> prepared) throws InterruptedException {
        List<String> tags = request.tags().stream().map(Tag::value).toList();
        List<String> leftovers = leftovers(results);
        List<PlatformResult> blockers = RequiredPlatforms.notPassed(results);
        if (!blockers.isEmpty()) {
            return PublishResult.withheld(tags, leftovers, RequiredPlatforms.withheld(blockers.stream().map(PlatformResult::platform).toList()));
        }
        List<PlatformResult> passed = results.stream().filter(PlatformResult::passed).toList();
        if (passed.isEmpty()) {
            return PublishResult.withheld(tags, leftovers, "no platform passed; no tag was created or moved");
        }
        Set<Platform> expected = passed.stream().map(PlatformResult::platform).collect(Collectors.toCollection(TreeSet::new));
        List<String> digests = passed.stream().map(PlatformResult::digest).toList();
        long t0 = System.nanoTime();
        String planned;
        List<Platform> listed;
        boolean composedStored;
        String composed;
        Map<Tag, Served> before = new LinkedHashMap<>();
        try {
            Optional<String> ready = prepared.filter(p -> Manifest.digestOf(p.raw()).equals(p.digest()))
                    .filter(p -> Indexes.holdsExactly(p.raw(), passed, expected)).map(PreparedIndex::raw);
            composedStored = ready.isPresent();
            try (Timeline.Phase phase = timeline.start(composedStored ? "publish: the batch's index, as it is" : "publish: compose the index")) {
                if (composedStored) {
                    composed = ready.get();
                } else {
                    Optional<String> local = registry.writes() ? Indexes.composeLocally(registry, request.image(), passed) : Optional.empty();
                    composed = local.isPresent() ? local.get() : tags().run(commands.createIndex(digests, true)).stdout().strip();
                }
            }
            planned = Manifest.digestOf(composed);
            listed = Indexes.check(Manifest.parse(composed), expected, composedStored ? "the index of the batch" : "the composed index (dry run)");
            try (Timeline.Phase phase = timeline.start("publish: read every tag before")) {
                Map<Tag, Served> read = InParallel.run(request.tags(), tags()::served);
                request.tags().forEach(t -> before.put(t, read.get(t)));
            }
        } catch (IOException | IllegalStateException e) {
            return new PublishResult(false, "", tags, List.of(), seconds(t0), leftovers,
                    "publish failed before any tag moved: " + e.getMessage());
        }
        List<Tag> touched = java.util.Collections.synchronizedList(new ArrayList<>());
        boolean put = registry.writes();
        try {
            InParallel.Job<Tag, Tag> move = tag -> {
                if (!before.get(tag).digest().equals(planned)) {
                    touched.add(tag);
                    try (Timeline.Phase phase = timeline.start("publish: move " + tag.value())) {
                        if (put) {
                            registry.write(request.image().withTag(tag), composed);
                        } else if (composedStored) {
                            tags().run(commands.copy(planned, tag, false));
                        } else {
                            tags().run(commands.createIndex(digests, tag));
                        }
                    }
                }
                String ref = request.image().withTag(tag);
                try (Timeline.Phase phase = timeline.start("publish: read back " + tag.value())) {
                    String raw = registry.read(ref).orElseThrow(() -> new DockerException(ref + " is not in the registry after it was moved"));
                    Indexes.check(Manifest.parse(raw), expected, ref + " as the registry serves it");
                    String served = Manifest.digestOf(raw);
                    if (!served.equals(planned)) {
                        throw new DockerException(ref + " resolves to " + served + ", not the composed index " + planned);
                    }
                }
                return tag;
            };
            List<List<Tag>> groups = moveGroups(before);
            for (int g = 0; g < groups.size(); g++) {
                List<Tag> group = groups.get(g);
                boolean restorable = before.get(group.get(0)).index();
                if (restorable) {
                    InParallel.run(group, move); // every one of them can be put back exactly
                } else {
                    for (Tag tag : group) { // one at a time: a failure stops before the next cannot be undone
                        if (Thread.interrupted()) {
                            throw new InterruptedException();
                        }
                        move.run(tag);
                    }
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } catch (IOException | IllegalStateException | InterruptedException e) {
            boolean interrupted = e instanceof InterruptedException || Thread.interrupted();
            String why = e instanceof InterruptedException ? "interrupted while moving the tags" : e.getMessage();
            output.line("publish failed: " + why + "; moving back the tags it moved", true);
            List<TagState> states = RollBack.rollBack(tags(), before, touched, planned);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return new PublishResult(false, "", tags, List.of(), seconds(t0), leftovers,
                    "publish failed: " + why + "; " + RollBack.summary(states), states);
        }
        List<TagState> states = before.entrySet().stream()
                .map(e -> new TagState(e.getKey().value(), e.getValue().digest(), planned, "", false)).toList();
        output.line("published " + request.image().fullName() + "@" + planned + " as " + String.join(", ", tags)
                + " listing " + listed.size() + " platform" + (listed.size() > 1 ? "s" : ""), false);
        return new PublishResult(true, planned, tags, listed, seconds(t0), leftovers, "", states);
    }

    /** Tags whose old index can be put back first, then those holding a single image, then new ones; empty groups left out. */
    private static List<List<Tag>> moveGroups(Map<Tag, Served> before) {
        List<Tag> indexes = new ArrayList<>();
        List<Tag> singles = new ArrayList<>();
        List<Tag> absent = new ArrayList<>();
        before.forEach((t, s) -> (s.index() ? indexes : s.digest().isEmpty() ? absent : singles).add(t));
        return java.util.stream.Stream.of(indexes, singles, absent).filter(g -> !g.isEmpty()).toList();
    }

    private TagAccess tags() {
        return new TagAccess(request.image(), docker, commands, registry, output);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
