package io.multiarch.build;

import io.multiarch.buildx.Manifest;
import io.multiarch.docker.DockerCli;
import io.multiarch.docker.Toolchain;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.CommandRunner;
import io.multiarch.process.CommandResult;
import io.multiarch.process.LocalFileAccess;
import io.multiarch.process.OutputListener;
import io.multiarch.process.ScriptedRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.multiarch.process.ScriptedRunner.argAfter;
import static io.multiarch.process.ScriptedRunner.fail;
import static io.multiarch.process.ScriptedRunner.ok;

/**
 * A docker CLI and registry faked at the process seam, answering as docker 26 / buildx 0.13 do: {@code buildx build}
 * writes buildx's metadata file and "pushes" a per-platform image; {@code imagetools inspect --raw} serves image
 * manifests by digest and published indexes by tag; {@code imagetools create [--dry-run]} composes an index of
 * the digests it is given; {@code run} runs the test with the exit code set per platform; {@code image rm} and {@code tag} succeed. Every command is
 * recorded in {@link #runner}.
 */
final class FakeDocker {
    static final String REPO = "127.0.0.1:5000/demo/hello";
    static final Toolchain AMD64_DOCKER_DRIVER = new Toolchain("26.1.5+dfsg1", "26.1.5+dfsg1", "0.13.1+ds1", "default",
            "docker", "amd64", java.util.Set.of(Platform.AMD64, Platform.I386), true, false);
    static final Toolchain AMD64_CONTAINER_DRIVER = new Toolchain("26.1.5+dfsg1", "26.1.5+dfsg1", "0.13.1+ds1",
            "multiarch", "docker-container", "amd64", java.util.Set.of(Platform.AMD64, Platform.I386), true, true);

    final ScriptedRunner runner = new ScriptedRunner();
    final List<String> output = new CopyOnWriteArrayList<>();
    private final Map<Platform, Deque<CommandResult>> buildResults = new ConcurrentHashMap<>();
    private final Map<Platform, CommandResult> testResults = new ConcurrentHashMap<>();
    private final Map<String, String> blobs = new ConcurrentHashMap<>();
    private final Map<String, String> tags = new ConcurrentHashMap<>();
    private final Map<String, String> servedAfterPush = new ConcurrentHashMap<>();
    /** Indexes pushed by batch builds: a publish copies one to its tags, which is a move, not a roll-back. */
    private final java.util.Set<String> batchIndexes = ConcurrentHashMap.newKeySet();
    private final Map<String, CommandResult> createFailures = new ConcurrentHashMap<>();
    private final Map<String, CommandResult> copyFailures = new ConcurrentHashMap<>();
    private volatile Function<List<Platform>, List<Platform>> indexLists = Function.identity();
    private volatile boolean provenance;
    /** The digest a batch build's "pushing manifest for" line names; null: the index it pushed. */
    volatile String pushedLineDigest;
    /** buildx's first line, naming the builder a build ran on; none by default (as before buildx 0.10). */
    private volatile String builderLine = "";
    /** When set, a batch build's process goes on after its output (its push) until this is counted down. */
    private volatile CountDownLatch batchGoesOn;
    /** When set, how a batch build's process ends after {@link #batchGoesOn}, instead of its own result. */
    private volatile CommandResult batchEndsWith;

    FakeDocker() {
        runner.on(List.of("buildx", "build"), this::build)
                .on(List.of("buildx", "imagetools", "inspect", "--raw"), this::inspect)
                .on(List.of("buildx", "imagetools", "inspect", "--format"), this::config)
                .on(List.of("buildx", "imagetools", "create"), this::create)
                .on(argv -> argv.size() > 2 && argv.get(1).equals("run") && argv.contains("--entrypoint"), this::test)
                .on(argv -> argv.size() > 3 && argv.get(1).equals("image") && argv.get(2).equals("rm"), c -> ok(""))
                .on(argv -> argv.size() == 4 && argv.get(1).equals("tag"), c -> ok(""));
    }

    /** The digest the fake registry gives a platform's image. */
    static String digestOf(Platform p) {
        return Manifest.digestOf(imageManifest(p));
    }

    /** Compressed size of a platform's image: the sum of the layers {@link #imageManifest} lists. */
    static long sizeOf(Platform p) {
        return 2_000_000 + 10L * p.emulationCost();
    }

    /** The step the image config's history names for the image's one layer. */
    static String stepOf(Platform p) {
        return "COPY rootfs/" + p.slug() + "/ / # buildkit";
    }

    static String imageManifest(Platform p) {
        return """
                {
                  "schemaVersion": 2,
                  "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {
                    "mediaType": "application/vnd.oci.image.config.v1+json",
                    "digest": "%s",
                    "size": 1469
                  },
                  "layers": [
                    {
                      "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": "%s",
                      "size": %d
                    }
                  ]
                }""".formatted(Manifest.digestOf("config " + p), Manifest.digestOf("layer " + p), 2_000_000 + 10L * p.emulationCost());
    }

    static String platformJson(Platform p) {
        return "{\"architecture\": \"" + p.architecture() + "\", \"os\": \"linux\""
                + (p.variant().isEmpty() ? "" : ", \"variant\": \"" + p.variant() + "\"") + "}";
    }

    AgentContext agent(Toolchain toolchain, String binfmtDir) {
        CommandRunner processes = (command, listener) -> {
            CommandResult r = runner.run(command, listener);
            CountDownLatch goesOn = batchGoesOn;
            if (goesOn != null && Collections.indexOfSubList(command.argv(), List.of("buildx", "build")) >= 0
                    && argAfter(command, "--platform").contains(",")) {
                goesOn.await(); // interrupted: the process is killed, as LocalCommandRunner does
                return batchEndsWith != null ? batchEndsWith : r;
            }
            return r;
        };
        return new AgentContext("local", new DockerCli("docker", Map.of("DOCKER_CONFIG", "/tmp/docker-config"), processes),
                new LocalFileAccess(), toolchain, binfmtDir, (line, error) -> output.add(line));
    }

    /**
     * Batch builds print their output (their push included), then their process goes on until {@code goesOn} is
     * counted down, as buildx's does while it exports the cache, and ends with {@code endsWith} (null: its own result).
     */
    FakeDocker batchesGoOnAfterTheirOutput(CountDownLatch goesOn, CommandResult endsWith) {
        this.batchGoesOn = goesOn;
        this.batchEndsWith = endsWith;
        return this;
    }

    /** Successive build attempts of a platform end with these exit codes; further ones succeed. */
    FakeDocker buildExits(Platform p, int... exits) {
        Deque<CommandResult> q = buildResults.computeIfAbsent(p, k -> new ArrayDeque<>());
        for (int e : exits) {
            q.add(e == 0 ? ok("") : fail(e, "#9 [build 3/3] RUN make\n#9 ERROR: process \"/bin/sh -c make\" did not complete "
                    + "successfully: exit code: " + e + "\nERROR: failed to solve: exit code: " + e));
        }
        return this;
    }

    /** The next build attempt of a platform ends with this result. */
    FakeDocker buildResult(Platform p, CommandResult r) {
        buildResults.computeIfAbsent(p, k -> new ArrayDeque<>()).add(r);
        return this;
    }

    FakeDocker testExit(Platform p, int exit) {
        testResults.put(p, new CommandResult(exit, "testing " + p + "\n", exit == 0 ? "" : "assertion failed on " + p + "\n",
                Duration.ofMillis(250), false));
        return this;
    }

    FakeDocker testResult(Platform p, CommandResult r) {
        testResults.put(p, r);
        return this;
    }

    /** Builds say they ran on this builder, as buildx 0.10 and later do on their first line. */
    FakeDocker buildsOn(String builder, String driver) {
        builderLine = "#0 building with \"" + builder + "\" instance using " + driver + " driver\n";
        return this;
    }

    /** Builds push an index of image and provenance attestation, as buildx does without --provenance=false. */
    FakeDocker withProvenance() {
        provenance = true;
        return this;
    }

    /** The platforms a composed index lists, from those given to imagetools create (a registry or buildx gone wrong). */
    FakeDocker indexLists(Function<List<Platform>, List<Platform>> change) {
        indexLists = change;
        return this;
    }

    /** Serves {@code text} for {@code REPO:tag} (and under its digest): the tag as it was before the run. */
    FakeDocker serveTag(String tag, String text) {
        tags.put(tag, text);
        blobs.put(Manifest.digestOf(text), text);
        return this;
    }

    /** What {@code REPO:tag} serves now, or null. */
    String served(String tag) {
        return tags.get(tag);
    }

    /** After the publish pushes {@code tag}, the registry serves {@code text} instead, as if someone else moved it. */
    FakeDocker servesAfterPush(String tag, String text) {
        servedAfterPush.put(tag, text);
        return this;
    }

    /** The publish's {@code imagetools create} of {@code tag} fails with this result, and the tag stays as it is. */
    FakeDocker failCreate(String tag, CommandResult result) {
        createFailures.put(tag, result);
        return this;
    }

    /** Pointing {@code tag} back at an older index ({@code imagetools create} with one source) fails. */
    FakeDocker failCopy(String tag, CommandResult result) {
        copyFailures.put(tag, result);
        return this;
    }

    /** The index the fake composes of these platforms' images. */
    String composedIndex(List<Platform> platforms) {
        return index(platforms);
    }

    List<Command> builds() {
        return runner.callsWith("buildx", "build");
    }

    List<Command> creates() {
        return runner.callsWith("imagetools", "create");
    }

    private CommandResult build(Command c) throws IOException, InterruptedException {
        List<Platform> platforms = java.util.Arrays.stream(argAfter(c, "--platform").split(",")).map(Platform::parse).toList();
        return platforms.size() == 1 ? buildOne(c, platforms.get(0)) : buildBatch(c, platforms);
    }

    /**
     * A multi-platform build: fails as the first of its platforms whose next build would fail (without using that
     * answer up: the platform is built again on its own), else pushes an index of their images.
     */
    private CommandResult buildBatch(Command c, List<Platform> platforms) throws IOException {
        for (Platform p : platforms) {
            Deque<CommandResult> q = buildResults.get(p);
            CommandResult r = q == null ? null : q.peek();
            if (r != null && !r.succeeded()) {
                return r;
            }
        }
        List<String> entries = new ArrayList<>();
        StringBuilder progress = new StringBuilder();
        StringBuilder exported = new StringBuilder();
        int step = 10;
        for (Platform p : platforms) {
            String image = imageManifest(p);
            blobs.put(Manifest.digestOf(image), image);
            exported.append("#30 exporting manifest ").append(Manifest.digestOf(image)).append(" done\n");
            entries.add("{\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", \"digest\": \"" + Manifest.digestOf(image)
                    + "\", \"size\": " + image.length() + ", \"platform\": " + platformJson(p) + "}");
            progress.append("#").append(step).append(" [").append(p).append(" 2/2] RUN make\n#").append(step)
                    .append(" DONE ").append(p.emulationCost()).append(".0s\n");
            step++;
        }
        String index = "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.index.v1+json\", \"manifests\": ["
                + String.join(", ", entries) + "]}";
        String digest = Manifest.digestOf(index);
        blobs.put(digest, index);
        batchIndexes.add(digest);
        String name = c.argv().contains("--tag") ? argAfter(c, "--tag") : REPO;
        Files.writeString(Path.of(argAfter(c, "--metadata-file")), """
                {
                  "containerimage.descriptor": {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "%s", "size": %d},
                  "containerimage.digest": "%s",
                  "image.name": "%s"
                }
                """.formatted(digest, index.length(), digest, name));
        String reported = pushedLineDigest != null ? pushedLineDigest : digest;
        return new CommandResult(0, "", builderLine + progress + "#30 exporting to image\n" + exported + "#30 pushing layers 0.5s done\n"
                + "#30 pushing manifest for " + name + "@" + reported + " 0.0s done\n#30 DONE 0.6s",
                Duration.ofSeconds(3), false);
    }

    private CommandResult buildOne(Command c, Platform p) throws IOException {
        Deque<CommandResult> q = buildResults.get(p);
        CommandResult r = q == null ? null : q.poll();
        if (r != null && !r.succeeded()) {
            return r;
        }
        String image = imageManifest(p);
        blobs.put(Manifest.digestOf(image), image);
        String digest = Manifest.digestOf(image);
        String descriptor = "{\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", \"digest\": \"" + digest
                + "\", \"size\": " + image.length() + ", \"platform\": " + platformJson(p) + "}";
        if (provenance) {
            String index = """
                    {
                      "schemaVersion": 2,
                      "mediaType": "application/vnd.oci.image.index.v1+json",
                      "manifests": [
                        %s,
                        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s", "size": 839,
                         "annotations": {"vnd.docker.reference.digest": "%s", "vnd.docker.reference.type": "attestation-manifest"},
                         "platform": {"architecture": "unknown", "os": "unknown"}}
                      ]
                    }""".formatted(descriptor, Manifest.digestOf("attestation " + p), digest);
            blobs.put(Manifest.digestOf(index), index);
            digest = Manifest.digestOf(index);
            descriptor = "{\"mediaType\": \"application/vnd.oci.image.index.v1+json\", \"digest\": \"" + digest
                    + "\", \"size\": " + index.length() + "}";
        }
        String name = c.argv().contains("--tag") ? argAfter(c, "--tag") : REPO;
        Files.writeString(Path.of(argAfter(c, "--metadata-file")), """
                {
                  "buildx.build.ref": "default/default/kz0ym2mlt1dsmbt0ep0d0fmwq",
                  "containerimage.config.digest": "%s",
                  "containerimage.descriptor": %s,
                  "containerimage.digest": "%s",
                  "image.name": "%s"
                }
                """.formatted(Manifest.digestOf("config " + p), descriptor, digest, name));
        return ok(builderLine + "#12 pushing layers done\n#12 DONE 0.1s");
    }

    private CommandResult inspect(Command c) {
        String ref = c.argv().get(c.argv().size() - 1);
        String text = ref.contains("@") ? blobs.get(ref.substring(ref.indexOf('@') + 1))
                : ref.startsWith(REPO + ":") ? tags.get(ref.substring(REPO.length() + 1)) : null;
        return text == null ? fail(1, "ERROR: " + ref + ": not found") : ok(text + "\n");
    }

    /** {@code imagetools inspect --format '{{json .Image}}'} of an image by digest: its config, with its history. */
    private CommandResult config(Command c) {
        String ref = c.argv().get(c.argv().size() - 1);
        Platform p = Platform.SUPPORTED.stream().filter(x -> ref.endsWith("@" + digestOf(x))).findFirst().orElse(null);
        if (p == null) {
            return fail(1, "ERROR: " + ref + ": not found");
        }
        return ok("""
                {"architecture": "%s", "os": "linux", "history": [
                  {"created_by": "ARG TARGETPLATFORM", "empty_layer": true},
                  {"created_by": "%s"},
                  {"created_by": "CMD [\\"sh\\"]", "empty_layer": true}]}
                """.formatted(p.architecture(), stepOf(p)));
    }

    private CommandResult create(Command c) throws IOException {
        List<String> sources = c.argv().stream().filter(a -> a.startsWith(REPO + "@")).map(a -> a.substring(REPO.length() + 1)).toList();
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < c.argv().size() - 1; i++) {
            if (c.argv().get(i).equals("--tag")) {
                targets.add(c.argv().get(i + 1).substring(REPO.length() + 1));
            }
        }
        boolean dryRun = c.argv().contains("--dry-run");
        String index;
        if (sources.size() == 1 && blobs.containsKey(sources.get(0)) && Manifest.parse(blobs.get(sources.get(0))).isIndex()) {
            // one index as the source: imagetools pushes it unchanged
            for (String tag : targets) {
                if (!dryRun && !batchIndexes.contains(sources.get(0)) && copyFailures.containsKey(tag)) {
                    return copyFailures.get(tag);
                }
            }
            index = blobs.get(sources.get(0));
        } else {
            List<Platform> given = new ArrayList<>();
            for (String digest : sources) {
                given.add(Platform.SUPPORTED.stream().filter(p -> digestOf(p).equals(digest)).findFirst()
                        .orElseThrow(() -> new AssertionError("no image pushed as " + digest)));
            }
            index = index(indexLists.apply(given));
        }
        if (dryRun) {
            return ok(index + "\n");
        }
        for (String tag : targets) {
            if (createFailures.containsKey(tag)) {
                return createFailures.get(tag);
            }
            blobs.put(Manifest.digestOf(index), index);
            tags.put(tag, servedAfterPush.getOrDefault(tag, index));
        }
        return ok("");
    }

    private static String index(List<Platform> platforms) {
        return """
                {
                  "schemaVersion": 2,
                  "mediaType": "application/vnd.oci.image.index.v1+json",
                  "manifests": [
                %s
                  ]
                }""".formatted(platforms.stream().map(p -> """
                    {
                      "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "digest": "%s",
                      "size": %d,
                      "platform": %s
                    }""".formatted(digestOf(p), imageManifest(p).length(), platformJson(p)))
                .collect(Collectors.joining(",\n")));
    }

    private CommandResult test(Command c) {
        Platform p = Platform.parse(argAfter(c, "--platform"));
        return testResults.getOrDefault(p, new CommandResult(0, "testing " + p + "\nok\n", "", Duration.ofMillis(250), false));
    }

    /** Listener output of this fake, for assertions. */
    OutputListener listener() {
        return (line, error) -> output.add(line);
    }
}
