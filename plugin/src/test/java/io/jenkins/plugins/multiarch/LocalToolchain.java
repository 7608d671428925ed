package io.jenkins.plugins.multiarch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real toolchain the Docker tests run on (scripts/toolchain.sh: Docker with buildx, QEMU, the local registry
 * with the busybox base image): its registry read over HTTP, as a user's pull would see it, and what is left
 * running on this machine. The tests need it and fail, never skip, without it.
 */
final class LocalToolchain {
    static final String REGISTRY = System.getenv().getOrDefault("MULTIARCH_TEST_REGISTRY", "127.0.0.1:5000");
    private static final String ACCEPT = String.join(",",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalToolchain() {
    }

    /** Fails with what to do when docker or the registry is not there. */
    static void require() throws Exception {
        Process p = new ProcessBuilder("docker", "buildx", "version").redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0)
                .as("docker with buildx (run scripts/toolchain.sh)").isTrue();
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + REGISTRY + "/v2/")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).as("the registry at " + REGISTRY + " (run scripts/toolchain.sh)").isEqualTo(200);
    }

    /** A repository of this test's own in the registry. */
    static String newRepository(String name) {
        return "plugin-test/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The digest a tag points at, or empty when the tag does not exist. */
    static Optional<String> digest(String repository, String tag) throws IOException, InterruptedException {
        HttpResponse<Void> r = HTTP.send(manifestRequest(repository, tag).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        assertThat(r.statusCode()).as("HEAD " + repository + ":" + tag).isEqualTo(200);
        return r.headers().firstValue("Docker-Content-Digest");
    }

    /** The platforms the index at a tag lists, attestations left out. */
    static List<String> platforms(String repository, String tag) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(manifestRequest(repository, tag).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + repository + ":" + tag).isEqualTo(200);
        List<String> list = new ArrayList<>();
        for (JsonNode m : JSON.readTree(r.body()).path("manifests")) {
            JsonNode p = m.path("platform");
            if (!"unknown".equals(p.path("os").asText())) {
                String variant = p.path("variant").asText("");
                list.add(p.path("os").asText() + "/" + p.path("architecture").asText() + (variant.isEmpty() ? "" : "/" + variant));
            }
        }
        return list;
    }

    /**
     * Every manifest, config and layer (gzip layers decompressed) that any tag of the repository reaches, registry
     * cache included, as text: what a puller could read.
     */
    static List<String> everyBlob(String repository) throws IOException, InterruptedException {
        HttpResponse<String> tags = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + REGISTRY + "/v2/" + repository
                + "/tags/list")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tags.statusCode()).as("tags of " + repository).isEqualTo(200);
        List<String> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<String> manifests = new java.util.ArrayDeque<>();
        JSON.readTree(tags.body()).path("tags").forEach(t -> manifests.add(t.asText()));
        assertThat(manifests).as("tags of " + repository).isNotEmpty();
        while (!manifests.isEmpty()) {
            String ref = manifests.poll();
            HttpResponse<String> m = HTTP.send(manifestRequest(repository, ref).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(m.statusCode()).as("GET manifest " + ref).isEqualTo(200);
            out.add(m.body());
            JsonNode root = JSON.readTree(m.body());
            List<JsonNode> blobs = new ArrayList<>();
            for (JsonNode d : root.path("manifests")) {
                // a registry cache's index lists its layers and cache config as entries too: those are blobs
                String type = d.path("mediaType").asText();
                if (!type.contains("manifest") && !type.contains("index")) {
                    blobs.add(d);
                } else if (seen.add(d.path("digest").asText())) {
                    manifests.add(d.path("digest").asText());
                }
            }
            if (root.has("config")) {
                blobs.add(root.get("config"));
            }
            root.path("layers").forEach(blobs::add);
            for (JsonNode b : blobs) {
                String digest = b.path("digest").asText();
                if (!seen.add(digest)) {
                    continue;
                }
                HttpResponse<byte[]> blob = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + REGISTRY + "/v2/"
                        + repository + "/blobs/" + digest)).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(blob.statusCode()).as("GET blob " + digest).isEqualTo(200);
                byte[] bytes = blob.body();
                if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
                    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                        bytes = in.readAllBytes();
                    }
                }
                out.add(new String(bytes, StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    private static HttpRequest.Builder manifestRequest(String repository, String reference) {
        return HttpRequest.newBuilder(URI.create("http://" + REGISTRY + "/v2/" + repository + "/manifests/" + reference))
                .header("Accept", ACCEPT);
    }

    /**
     * Pids of the processes on this machine whose environment holds {@code NAME=} (e.g. a stage's cookie) and whose
     * command line mentions {@code text} (e.g. the test's own repository: other builds may run on this machine).
     */
    static List<Long> processesWithEnv(String name, String text) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String env = new String(Files.readAllBytes(d.resolve("environ")), StandardCharsets.ISO_8859_1);
                    String cmdline = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (("\0" + env).contains("\0" + name + "=") && cmdline.contains(text)) {
                        pids.add(Long.parseLong(d.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // ended meanwhile, or not readable
                }
            }
        }
        return pids;
    }

    /** Names of the containers (running or not) whose name starts with {@code prefix}. */
    static List<String> containers(String prefix) throws Exception {
        Process p = new ProcessBuilder("docker", "ps", "-a", "--format", "{{.Names}}").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("docker ps").isTrue();
        return out.lines().filter(n -> n.startsWith(prefix)).toList();
    }
}
