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
import io.multiarch.request.BuildRequest;
import io.multiarch.request.Tag;
import io.multiarch.result.PlatformResult;
import io.multiarch.result.PublishResult;
import io.multiarch.result.TagState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The gated publish: one OCI index of every platform that passed, under every requested tag, only when every
 * required platform passed. The index is composed with {@code imagetools create --dry-run} and checked before
 * any tag moves. Then the digest each tag serves is recorded, and the tags move one at a time, each read back at
 * once: it must list exactly the platforms that passed (attestation entries aside) under the composed digest.
 *
 * <p>A publish that fails part way (a registry error, a failed read-back, an interruption) moves back every tag
 * it moved, to the index it served before, and says so for each tag ({@link TagState}). Tags that existed move
 * first, tags that did not exist last: the registry API cannot remove a tag, so a tag this publish created cannot
 * be undone, and a tag that held a single image manifest cannot be re-created exactly by imagetools; those are
 * reported with the digest they serve ({@link PublishResult#tagsLeftChanged()}). A tag that someone else moved
 * meanwhile is left as it is. A withheld publish touches no tag.
 */
public final class Publisher {
    private final DockerCli docker;
    private final BuildRequest request;
    private final BuildxCommands commands;
    private final OutputListener output;

    public Publisher(DockerCli docker, BuildRequest request, OutputListener output) {
        this.docker = docker;
        this.request = request;
        this.commands = new BuildxCommands(docker, request);
        this.output = output;
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
        Map<Tag, Served> before = new LinkedHashMap<>();
        try {
            String composed = run(commands.createIndex(digests, true)).stdout().strip();
            planned = Manifest.digestOf(composed);
            listed = check(Manifest.parse(composed), expected, "the composed index (dry run)");
            for (Tag tag : request.tags()) {
                before.put(tag, served(tag));
            }
        } catch (IOException | IllegalStateException e) {
            return new PublishResult(false, "", tags, List.of(), seconds(t0), leftovers,
                    "publish failed before any tag moved: " + e.getMessage());
        }
        List<Tag> touched = new ArrayList<>();
        try {
            for (Tag tag : moveOrder(before)) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (!before.get(tag).digest().equals(planned)) {
                    touched.add(tag);
                    run(commands.createIndex(digests, tag));
                }
                String ref = request.image().withTag(tag);
                String raw = run(commands.inspectRaw(ref)).stdout().strip();
                check(Manifest.parse(raw), expected, ref + " as the registry serves it");
                String served = Manifest.digestOf(raw);
                if (!served.equals(planned)) {
                    throw new DockerException(ref + " resolves to " + served + ", not the composed index " + planned);
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

    /** Tags whose old index can be put back first, then those holding a single image, then new ones. */
    private static List<Tag> moveOrder(Map<Tag, Served> before) {
        List<Tag> order = new ArrayList<>();
        before.forEach((t, s) -> {
            if (s.index()) {
                order.add(t);
            }
        });
        before.forEach((t, s) -> {
            if (!s.index() && !s.digest().isEmpty()) {
                order.add(t);
            }
        });
        before.forEach((t, s) -> {
            if (s.digest().isEmpty()) {
                order.add(t);
            }
        });
        return order;
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
        Command c = commands.inspectRaw(request.image().withTag(tag));
        CommandResult r = docker.run(c, OutputListener.NONE);
        if (r.succeeded()) {
            String raw = r.stdout().strip();
            return new Served(Manifest.digestOf(raw), Manifest.parse(raw).isIndex());
        }
        if (!r.timedOut() && r.stderr().strip().endsWith(": not found")) {
            return Served.ABSENT;
        }
        throw new DockerException(c, r);
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
