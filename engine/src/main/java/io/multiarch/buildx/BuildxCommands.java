package io.multiarch.buildx;

import io.multiarch.docker.DockerCli;
import io.multiarch.plan.PlatformTask;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.Tag;
import io.multiarch.request.TestSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The docker and buildx command lines of a run, as argv lists: one {@code buildx build} per platform, the test
 * container, and the {@code imagetools} calls of the publish. Kept in one place so that {@code --dry-run} shows
 * exactly what a real run executes.
 */
public final class BuildxCommands {
    private final DockerCli docker;
    private final BuildRequest request;

    public BuildxCommands(DockerCli docker, BuildRequest request) {
        this.docker = docker;
        this.request = request;
    }

    /**
     * {@code docker buildx build} for one platform, pushing by digest where the builder can and under the task's
     * temporary tag where it cannot, writing buildx's metadata to {@code metadataFile}.
     */
    public Command build(PlatformTask task, boolean pushByDigest, String metadataFile) {
        return build(task, pushByDigest, metadataFile, request.registryCache(), request.registryCache());
    }

    /**
     * As {@link #build(PlatformTask, boolean, String)}, choosing the cache: {@code cacheFrom} imports the platform's
     * registry cache ({@code REPO:multiarch-cache-<platform>}, one ref per platform so keys never collide),
     * {@code cacheTo} exports to it ({@code mode=max}, {@code ignore-error=true}: a cache that cannot be written never
     * fails a build).
     */
    public Command build(PlatformTask task, boolean pushByDigest, String metadataFile, boolean cacheFrom, boolean cacheTo) {
        return build(task.platform().toString(), cacheFrom ? List.of(task.cacheTag()) : List.of(),
                cacheTo ? task.cacheTag() : null, pushByDigest ? null : task.tempTag(), metadataFile);
    }

    /**
     * One {@code docker buildx build} of several platforms in one BuildKit session, as the one-line command does: it
     * pushes one index (by digest, or under {@code batchTag}) whose entries are the per-platform images. The cache
     * is read from every platform's own ref and from the batch's ref, and written to the batch's ref only:
     * {@code cacheTag} names the set of platforms (see {@link io.multiarch.plan.RunPlan#batchCacheTag}), so that
     * runs of other sets never overwrite it.
     */
    public Command batchBuild(List<PlatformTask> tasks, String cacheTag, String batchTag, boolean pushByDigest,
                              String metadataFile, boolean cacheTo) {
        String platforms = String.join(",", tasks.stream().map(t -> t.platform().toString()).toList());
        List<String> from = new ArrayList<>();
        if (request.registryCache()) {
            from.add(cacheTag);
            tasks.forEach(t -> from.add(t.cacheTag()));
        }
        return build(platforms, from, request.registryCache() && cacheTo ? cacheTag : null,
                pushByDigest ? null : batchTag, metadataFile);
    }

    private Command build(String platforms, List<String> cacheFrom, String cacheTo, String tempTag,
                          String metadataFile) {
        List<String> a = new ArrayList<>(List.of("build", "--platform", platforms,
                "--file", request.dockerfile().toString()));
        request.target().ifPresent(t -> a.addAll(List.of("--target", t)));
        for (Map.Entry<String, String> e : request.buildArgs().entrySet()) {
            a.addAll(List.of("--build-arg", e.getKey() + "=" + e.getValue()));
        }
        for (Map.Entry<String, String> e : request.labels().entrySet()) {
            a.addAll(List.of("--label", e.getKey() + "=" + e.getValue()));
        }
        // the reference only (id and file or variable name): buildx reads the value, which never reaches argv
        request.secrets().forEach(s -> a.addAll(List.of("--secret", s.argument())));
        a.add("--provenance=" + request.provenance());
        if (request.sbom()) {
            a.add("--sbom=" + request.sbomGenerator().map(g -> "generator=" + g).orElse("true"));
        }
        a.addAll(List.of("--progress", "plain", "--metadata-file", metadataFile));
        String repo = request.image().fullName();
        for (String tag : cacheFrom) {
            a.addAll(List.of("--cache-from", "type=registry,ref=" + repo + ":" + tag));
        }
        if (cacheTo != null) {
            a.addAll(List.of("--cache-to", "type=registry,ref=" + repo + ":" + cacheTo + ",mode=max,ignore-error=true"));
        }
        if (tempTag == null) {
            a.addAll(List.of("--output", "type=image,name=" + repo + ",push-by-digest=true,name-canonical=true,push=true"));
        } else {
            a.addAll(List.of("--tag", repo + ":" + tempTag, "--push"));
        }
        a.add(request.context().toString());
        Command build = docker.buildx(a).withTimeout(request.platformTimeout());
        if (!request.provenance() && DockerCli.buildxGitSettings(docker.env()).isEmpty()) {
            // buildx looks the context's git repository up (seven git processes before the build starts) only for
            // provenance, or for labels asked for by BUILDX_GIT_*: without either, that is time on the critical path
            Map<String, String> env = new java.util.LinkedHashMap<>(build.env());
            env.put("BUILDX_GIT_INFO", "false");
            build = build.withEnv(env);
        }
        return build;
    }

    /** The name of a platform's test container, so that a timeout can remove it. */
    public static String containerName(String runId, Platform platform) {
        return "multiarch-test-" + runId + "-" + platform.slug();
    }

    /** The label every container of a run carries, {@code io.multiarch.run=<run id>}: how the run finds its own. */
    public static final String RUN_LABEL = "io.multiarch.run";

    /**
     * {@code docker run} of the test inside the platform's image, by digest, in that architecture. The image's
     * entrypoint is replaced by the test's program so that the test runs as written. {@code --init} makes docker's
     * init (tini) PID 1 and the test its child, natively and under QEMU alike: PID 1 ignores signals it has no
     * handler for, so a test that is PID 1 survives its own {@code kill -SEGV $$} natively and hangs under QEMU, whose
     * signal handling then waits for ever; as a child, the test dies of the signal and tini exits 128 + its number.
     */
    public Command test(Platform platform, String runId, String digest, TestSpec test) {
        String name = containerName(runId, platform);
        List<String> a = new ArrayList<>(List.of("run", "--rm", "--init", "--name", name,
                "--label", RUN_LABEL + "=" + runId));
        docker.containerLabels().forEach((k, v) -> a.addAll(List.of("--label", k + "=" + v)));
        a.addAll(List.of("--platform", platform.toString(),
                "--pull", "missing",
                "-e", "MULTIARCH_PLATFORM=" + platform,
                "-e", "MULTIARCH_ARCH=" + platform.architecture(),
                "-e", "MULTIARCH_VARIANT=" + platform.variant(),
                "--entrypoint", test.argv().get(0),
                request.image().withDigest(digest)));
        a.addAll(test.argv().subList(1, test.argv().size()));
        return docker.command(a).withTimeout(request.testTimeout())
                .withOnTimeout(docker.command("rm", "-f", name).argv());
    }

    /** {@code imagetools inspect --raw}: the manifest or index exactly as the registry serves it. */
    public Command inspectRaw(String reference) {
        return io.multiarch.registry.ImagetoolsRegistry.inspectRaw(docker, reference);
    }


    /**
     * {@code imagetools create} of the index of per-platform digests under one tag: the publish moves its tags one at
     * a time, so that it knows which moved when one fails.
     */
    public Command createIndex(List<String> digests, Tag tag) {
        List<String> a = new ArrayList<>(List.of("buildx", "imagetools", "create", "--tag", request.image().withTag(tag)));
        digests.forEach(d -> a.add(request.image().withDigest(d)));
        return docker.command(a).withTimeout(Duration.ofMinutes(5));
    }

    /**
     * {@code imagetools create --tag REPO:TAG REPO@DIGEST}: points a tag back at an index it served before. With one
     * index as its source, imagetools pushes that index unchanged (the same digest); an image manifest it would wrap
     * in a new index, so {@code dryRun} first shows what would be pushed.
     */
    public Command copy(String digest, Tag tag, boolean dryRun) {
        List<String> a = new ArrayList<>(List.of("buildx", "imagetools", "create"));
        if (dryRun) {
            a.add("--dry-run");
        }
        a.addAll(List.of("--tag", request.image().withTag(tag), request.image().withDigest(digest)));
        return docker.command(a).withTimeout(Duration.ofMinutes(5));
    }

    /** {@code imagetools create} of one index under every tag from per-platform digests; {@code dryRun} only prints it. */
    public Command createIndex(List<String> digests, boolean dryRun) {
        List<String> a = new ArrayList<>(List.of("buildx", "imagetools", "create"));
        if (dryRun) {
            a.add("--dry-run");
        }
        request.tags().forEach(t -> a.addAll(List.of("--tag", request.image().withTag(t))));
        digests.forEach(d -> a.add(request.image().withDigest(d)));
        return docker.command(a).withTimeout(Duration.ofMinutes(5));
    }
}
