package io.multiarch.publish;

import io.multiarch.buildx.BuildxCommands;
import io.multiarch.buildx.Descriptor;
import io.multiarch.buildx.Manifest;
import io.multiarch.docker.DockerCli;
import io.multiarch.docker.DockerException;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    /** What a tag serves: its digest and whether it is an index, or absent ({@code digest} empty). */
    private record Served(String digest, boolean index) {
        static final Served ABSENT = new Served("", false);
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
        List<PlatformResult> blockers = results.stream().filter(r -> r.required() && !r.passed()).toList();
        if (!blockers.isEmpty()) {
            return PublishResult.withheld(tags, leftovers, "required platform"
                    + (blockers.size() > 1 ? "s " : " ") + blockers.stream().map(r -> r.platform().toString())
                    .collect(Collectors.joining(", ")) + " did not pass; no tag was created or moved");
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
                    .filter(p -> holdsExactly(p.raw(), passed, expected)).map(PreparedIndex::raw);
            composedStored = ready.isPresent();
            try (Timeline.Phase phase = timeline.start(composedStored ? "publish: the batch's index, as it is" : "publish: compose the index")) {
                if (composedStored) {
                    composed = ready.get();
                } else {
                    Optional<String> local = registry.writes() ? composeLocally(passed) : Optional.empty();
                    composed = local.isPresent() ? local.get() : run(commands.createIndex(digests, true)).stdout().strip();
                }
            }
            planned = Manifest.digestOf(composed);
            listed = check(Manifest.parse(composed), expected, composedStored ? "the index of the batch" : "the composed index (dry run)");
            try (Timeline.Phase phase = timeline.start("publish: read every tag before")) {
                Map<Tag, Served> read = inParallel(request.tags(), this::served);
                request.tags().forEach(t -> before.put(t, read.get(t)));
            }
        } catch (IOException | IllegalStateException e) {
            return new PublishResult(false, "", tags, List.of(), seconds(t0), leftovers,
                    "publish failed before any tag moved: " + e.getMessage());
        }
        List<Tag> touched = java.util.Collections.synchronizedList(new ArrayList<>());
        boolean put = registry.writes();
        try {
            Job<Tag, Tag> move = tag -> {
                if (!before.get(tag).digest().equals(planned)) {
                    touched.add(tag);
                    try (Timeline.Phase phase = timeline.start("publish: move " + tag.value())) {
                        if (put) {
                            registry.write(request.image().withTag(tag), composed);
                        } else if (composedStored) {
                            run(commands.copy(planned, tag, false));
                        } else {
                            run(commands.createIndex(digests, tag));
                        }
                    }
                }
                String ref = request.image().withTag(tag);
                try (Timeline.Phase phase = timeline.start("publish: read back " + tag.value())) {
                    String raw = registry.read(ref).orElseThrow(() -> new DockerException(ref + " is not in the registry after it was moved"));
                    check(Manifest.parse(raw), expected, ref + " as the registry serves it");
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
                    inParallel(group, move); // every one of them can be put back exactly
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
            List<TagState> states = rollBack(before, touched, planned);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return new PublishResult(false, "", tags, List.of(), seconds(t0), leftovers,
                    "publish failed: " + why + "; " + summary(states), states);
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

    /**
     * The index of the passed platforms' image manifests, composed here from what the registry serves for each digest
     * (one read each, at once): for a registry that this publish writes to itself, so that no {@code imagetools}
     * process is needed. Empty when a digest is not a plain image manifest of one kind (e.g. an index with an
     * attestation): imagetools composes those.
     */
    private Optional<String> composeLocally(List<PlatformResult> passed) throws IOException, InterruptedException {
        Map<PlatformResult, Optional<String>> raws = inParallel(passed, r -> registry.read(request.image().withDigest(r.digest())));
        Set<String> mediaTypes = new LinkedHashSet<>();
        com.fasterxml.jackson.databind.node.ObjectNode index = io.multiarch.docker.Json.MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        com.fasterxml.jackson.databind.node.ArrayNode manifests = io.multiarch.docker.Json.MAPPER.createArrayNode();
        for (PlatformResult r : passed) {
            Optional<String> raw = raws.get(r);
            if (raw.isEmpty() || !Manifest.digestOf(raw.get()).equals(r.digest())) {
                return Optional.empty();
            }
            Manifest m = Manifest.parse(raw.get());
            if (m.isIndex() || m.mediaType() == null) {
                return Optional.empty();
            }
            mediaTypes.add(m.mediaType());
            com.fasterxml.jackson.databind.node.ObjectNode d = manifests.addObject();
            d.put("mediaType", m.mediaType());
            d.put("digest", r.digest());
            d.put("size", raw.get().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            com.fasterxml.jackson.databind.node.ObjectNode platform = d.putObject("platform");
            platform.put("architecture", r.platform().architecture());
            platform.put("os", r.platform().os());
            if (!r.platform().variant().isEmpty()) {
                platform.put("variant", r.platform().variant());
            }
        }
        String type;
        if (mediaTypes.equals(Set.of("application/vnd.oci.image.manifest.v1+json"))) {
            type = "application/vnd.oci.image.index.v1+json";
        } else if (mediaTypes.equals(Set.of("application/vnd.docker.distribution.manifest.v2+json"))) {
            type = "application/vnd.docker.distribution.manifest.list.v2+json";
        } else {
            return Optional.empty();
        }
        index.put("mediaType", type);
        index.set("manifests", manifests);
        return Optional.of(io.multiarch.docker.Json.MAPPER.writeValueAsString(index));
    }

    /** Whether an index lists exactly the platforms that passed, each with the image digest it passed with. */
    private static boolean holdsExactly(String raw, List<PlatformResult> passed, Set<Platform> expected) {
        try {
            Manifest index = Manifest.parse(raw);
            check(index, expected, "the index");
            return passed.stream().allMatch(r -> index.imageFor(r.platform()).map(d -> d.digest().equals(r.digest())).orElse(false));
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    /** Work on one tag (or one image), which may fail as a registry or a process does. */
    @FunctionalInterface
    private interface Job<K, T> {
        T run(K key) throws IOException, InterruptedException;
    }

    /**
     * Runs {@code job} for every tag at once (inline for one tag) and waits for all of them, so that no job is still
     * running when this returns or throws: the first failure is thrown after every job ended. An interrupt interrupts
     * the jobs (their processes are killed), waits for them, and is thrown.
     */
    private static <K, T> Map<K, T> inParallel(List<K> tags, Job<K, T> job) throws IOException, InterruptedException {
        Map<K, T> answers = new LinkedHashMap<>();
        if (tags.size() == 1) {
            answers.put(tags.get(0), job.run(tags.get(0)));
            return answers;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(tags.size(), 8), r -> {
            Thread t = new Thread(r, "multiarch-publish");
            t.setDaemon(true);
            return t;
        });
        Map<K, Future<T>> futures = new LinkedHashMap<>();
        tags.forEach(t -> futures.put(t, pool.submit(() -> job.run(t))));
        pool.shutdown();
        boolean interrupted = false;
        Throwable failure = null;
        for (Map.Entry<K, Future<T>> e : futures.entrySet()) {
            try {
                if (interrupted) {
                    continue;
                }
                answers.put(e.getKey(), e.getValue().get());
            } catch (InterruptedException ie) {
                interrupted = true;
                pool.shutdownNow();
            } catch (ExecutionException ee) {
                if (failure == null) {
                    failure = ee.getCause();
                }
            }
        }
        if (interrupted) {
            boolean ended = false;
            while (!ended) {
                try {
                    ended = pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException again) {
                    // the jobs are being stopped already: wait for them to end
                }
            }
            throw new InterruptedException();
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof InterruptedException ie) {
            throw ie;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return answers;
    }

    /**
     * Puts every tag this publish moved back where it was, where it still serves this publish's index, and reads
     * every tag again. Not interruptible: the interrupt flag is cleared while it runs (and set again by the caller).
     */
    private List<TagState> rollBack(Map<Tag, Served> before, List<Tag> touched, String planned) {
        Thread.interrupted();
        List<TagState> states = new ArrayList<>();
        for (Map.Entry<Tag, Served> e : before.entrySet()) {
            Tag tag = e.getKey();
            String was = e.getValue().digest();
            boolean ours = touched.contains(tag);
            Served now;
            try {
                now = served(tag);
            } catch (IOException | InterruptedException ex) {
                Thread.interrupted();
                states.add(new TagState(tag.value(), was, "", "could not be read after the failed publish: "
                        + ex.getMessage(), ours));
                continue;
            }
            if (!ours || !now.digest().equals(planned)) {
                String note = now.digest().equals(was) ? "" : now.digest().equals(planned)
                        ? "already served this index before the publish" : "moved by someone else meanwhile; left as it is";
                states.add(new TagState(tag.value(), was, now.digest(), note, false));
            } else if (was.isEmpty()) {
                states.add(new TagState(tag.value(), was, now.digest(), "created by this publish; the registry API "
                        + "cannot remove a tag, so it stays", true));
            } else {
                states.add(restore(tag, e.getValue(), planned));
            }
        }
        return states;
    }

    /** Points a tag back at the index it served; a single image manifest only if imagetools re-creates it exactly. */
    private TagState restore(Tag tag, Served was, String planned) {
        String ref = request.image().withTag(tag);
        try {
            if (!was.index()) {
                String dry = run(commands.copy(was.digest(), tag, true)).stdout().strip();
                if (!Manifest.digestOf(dry).equals(was.digest())) {
                    return new TagState(tag.value(), was.digest(), planned, "it served a single image manifest, which "
                            + "imagetools cannot push again unchanged; not restored", true);
                }
            }
            output.line("moving " + ref + " back to " + was.digest(), true);
            run(commands.copy(was.digest(), tag, false));
            Served now = served(tag);
            return now.digest().equals(was.digest())
                    ? new TagState(tag.value(), was.digest(), now.digest(), "restored after the failed publish", false)
                    : new TagState(tag.value(), was.digest(), now.digest(), "restoring it did not take", true);
        } catch (IOException | IllegalStateException | InterruptedException e) {
            Thread.interrupted();
            String now = "";
            try {
                now = served(tag).digest();
            } catch (IOException | InterruptedException ex) {
                Thread.interrupted();
            }
            return new TagState(tag.value(), was.digest(), now, "restoring it failed: " + e.getMessage(), true);
        }
    }

    /** What became of the tags, for the message: restored, untouched, or where each one is left. */
    private static String summary(List<TagState> states) {
        List<TagState> left = states.stream().filter(TagState::unrestored).toList();
        if (!left.isEmpty()) {
            return "not restored: " + left.stream().map(t -> t.tag() + " serves "
                    + (t.after().isEmpty() ? "(unknown)" : t.after()) + " (" + t.note() + ")").collect(Collectors.joining(", "));
        }
        List<TagState> changed = states.stream().filter(t -> !t.unchanged()).toList();
        if (!changed.isEmpty()) {
            return "no move of this publish is left, but " + changed.stream().map(t -> t.tag() + " serves "
                    + (t.after().isEmpty() ? "(nothing)" : t.after()) + " (" + t.note() + ")").collect(Collectors.joining(", "));
        }
        return "every tag serves what it served before";
    }

    /** The digest a tag serves now, or {@link Served#ABSENT} when the registry has no such tag. */
    private Served served(Tag tag) throws IOException, InterruptedException {
        Optional<String> raw = registry.read(request.image().withTag(tag));
        if (raw.isEmpty()) {
            return Served.ABSENT;
        }
        return new Served(Manifest.digestOf(raw.get()), Manifest.parse(raw.get()).isIndex());
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private CommandResult run(Command c) throws IOException, InterruptedException {
        CommandResult r = docker.run(c, OutputListener.NONE);
        if (!r.succeeded()) {
            throw new DockerException(c, r);
        }
        return r;
    }

    /** The index must list exactly the expected platforms, once each, attestations aside. */
    static List<Platform> check(Manifest index, Set<Platform> expected, String what) {
        if (!index.isIndex()) {
            throw new IllegalStateException(what + " is not an image index");
        }
        List<Platform> listed = new ArrayList<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (Descriptor d : index.imageEntries()) {
            if (d.platform() == null) {
                unknown.add(d.digest() + " (no platform)");
                continue;
            }
            d.platform().toPlatform().ifPresentOrElse(listed::add, () -> unknown.add(d.platform().toString()));
        }
        Set<Platform> listedSet = new TreeSet<>(listed);
        if (!unknown.isEmpty() || listedSet.size() != listed.size() || !listedSet.equals(expected)) {
            throw new IllegalStateException(what + " lists " + listed + (unknown.isEmpty() ? "" : " and " + unknown)
                    + ", expected exactly " + expected);
        }
        return List.copyOf(listedSet);
    }
}
