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

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The gated publish: one OCI index of every platform that passed, under every requested tag, only when every
 * required platform passed. The index is composed with {@code imagetools create --dry-run} and checked before
 * any tag moves; after the push each tag is read back from the registry and must list exactly the platforms that
 * passed (attestation entries aside) under the same digest. A withheld publish touches no tag, so a tag that
 * existed keeps its old digest.
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

    /** The {@code imagetools create} a real publish would run, for {@code --dry-run}. */
    public Command plannedCommand(List<String> digests) {
        return commands.createIndex(digests, false);
    }

    public PublishResult publish(List<PlatformResult> results) throws InterruptedException {
        List<String> tags = request.tags().stream().map(Tag::value).toList();
        List<String> leftovers = results.stream().filter(r -> !r.tempTag().isEmpty())
                .map(r -> request.image().fullName() + ":" + r.tempTag()).distinct().toList();
        List<PlatformResult> blockers = results.stream().filter(r -> r.required() && !r.passed()).toList();
        if (!blockers.isEmpty()) {
            return PublishResult.withheld(tags, leftovers, "not published: required platform"
                    + (blockers.size() > 1 ? "s " : " ") + blockers.stream().map(r -> r.platform().toString())
                    .collect(Collectors.joining(", ")) + " did not pass; no tag was created or moved");
        }
        List<PlatformResult> passed = results.stream().filter(PlatformResult::passed).toList();
        if (passed.isEmpty()) {
            return PublishResult.withheld(tags, leftovers, "not published: no platform passed");
        }
        Set<Platform> expected = passed.stream().map(PlatformResult::platform).collect(Collectors.toCollection(TreeSet::new));
        List<String> digests = passed.stream().map(PlatformResult::digest).toList();
        long t0 = System.nanoTime();
        try {
            String composed = run(commands.createIndex(digests, true)).stdout().strip();
            Manifest index = Manifest.parse(composed);
            String planned = Manifest.digestOf(composed);
            List<Platform> listed = check(index, expected, "the composed index (dry run)");

            run(commands.createIndex(digests, false));
            for (Tag tag : request.tags()) {
                String ref = request.image().withTag(tag);
                String raw = run(commands.inspectRaw(ref)).stdout().strip();
                check(Manifest.parse(raw), expected, ref + " as the registry serves it");
                String served = Manifest.digestOf(raw);
                if (!served.equals(planned)) {
                    throw new DockerException(ref + " resolves to " + served + ", not the composed index " + planned);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            output.line("published " + request.image().fullName() + "@" + planned + " as " + String.join(", ", tags)
                    + " listing " + listed.size() + " platform" + (listed.size() > 1 ? "s" : ""), false);
            return new PublishResult(true, planned, tags, listed, seconds, leftovers, "");
        } catch (IOException | IllegalStateException e) {
            return new PublishResult(false, "", tags, List.of(), (System.nanoTime() - t0) / 1e9, leftovers,
                    "publish failed: " + e.getMessage());
        }
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
