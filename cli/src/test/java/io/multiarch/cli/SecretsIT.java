package io.multiarch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Build secrets on the real toolchain: the CLI, as its own process, builds an image whose {@code RUN
 * --mount=type=secret} steps hash a secret from a file and one from an environment variable; the test in each
 * architecture proves the steps saw the values (the hashes match), and the values are then looked for everywhere else
 * a user could find them, and must be nowhere: the console, every report file, every process's command line while
 * the build ran, {@code docker history} and the image config, and every manifest and blob the run left in the
 * registry (images, the temporary tag, the registry cache), decompressed.
 */
class SecretsIT {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private final RegistryClient registry = new RegistryClient();

    @TempDir
    Path work;

    @Test
    void shouldUseTheSecretsInRunMountsAndLeaveThemNowhereElse() throws Exception {
        // Given two secret values of this run only, one in a file outside the context and one in a variable
        String fileSecret = "file-secret-" + UUID.randomUUID();
        String envSecret = "env-secret-" + UUID.randomUUID();
        Path secretFile = Files.writeString(work.resolve("token.txt"), fileSecret);
        Path context = Files.createDirectories(work.resolve("ctx"));
        // BuildKit's cache keys leave secret values out, so a step cached by an earlier run would not see these values:
        // the ENV makes the steps this run's own
        Files.writeString(context.resolve("Dockerfile"), """
                FROM busybox
                ENV IT_RUN=%s
                RUN --mount=type=secret,id=token,required=true sha256sum /run/secrets/token | cut -d' ' -f1 > /token.sha256
                RUN --mount=type=secret,id=npm,required=true sha256sum /run/secrets/npm | cut -d' ' -f1 > /npm.sha256
                """.formatted(UUID.randomUUID()));
        String repo = "it/secrets-" + RUN;
        String test = "test \"$(cat /token.sha256)\" = " + sha256(fileSecret) + " && test \"$(cat /npm.sha256)\" = " + sha256(envSecret)
                + " && echo secrets-seen-by-the-build";

        // When the CLI builds two platforms with both secrets, while every process's command line is watched
        ProcessWatch watch = new ProcessWatch(List.of(fileSecret, envSecret));
        watch.start();
        CliProcess cli = CliProcess.build(work.resolve("run"), false, Map.of("MULTIARCH_IT_NPM_TOKEN", envSecret),
                context.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64", "--test", test,
                "--secret", "id=token,src=" + secretFile, "--secret", "id=npm,env=MULTIARCH_IT_NPM_TOKEN");
        int exit = cli.waitFor(Duration.ofMinutes(10));
        watch.stop();

        // Then it published, and the test in each architecture saw the hashes of both values: the build used them
        String output = cli.output();
        assertThat(exit).as(output).isZero();
        JsonNode report = cli.report();
        assertThat(report.path("published").asBoolean()).isTrue();
        for (JsonNode p : report.path("platforms")) {
            assertThat(p.path("test").path("output").asText()).as(p.path("platform").asText()).contains("secrets-seen-by-the-build");
        }
        // the process watch did see the build's command line, with the secrets by reference only
        assertThat(watch.seen).as("command lines seen").anySatisfy(c -> assertThat(c)
                .contains("buildx build", "--secret id=token,src=" + secretFile, "--secret id=npm,env=MULTIARCH_IT_NPM_TOKEN"));
        for (String value : List.of(fileSecret, envSecret)) {
            // not on the console
            assertThat(output).doesNotContain(value);
            // not in any process's command line while the run went on
            assertThat(watch.leaks).as("command lines holding a secret").isEmpty();
            // not in any report file
            try (Stream<Path> files = Files.walk(cli.reportDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain(value);
                }
            }
        }
        // not in the image's history or config, as docker shows them and as the registry serves them
        for (JsonNode p : report.path("platforms")) {
            String ref = RegistryClient.HOST + "/" + repo + "@" + p.path("digest").asText();
            String history = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", ref);
            assertThat(history).as("docker history of %s", ref).contains("sha256sum /run/secrets/token")
                    .doesNotContain(fileSecret).doesNotContain(envSecret);
            String inspect = docker("image", "inspect", ref);
            assertThat(inspect).doesNotContain(fileSecret).doesNotContain(envSecret);
            JsonNode config = registry.config(repo, p.path("digest").asText());
            assertThat(config.toString()).doesNotContain(fileSecret).doesNotContain(envSecret);
        }
        // not in any manifest or blob of the repository: the images, the temporary tag and the registry cache
        List<String> tags = registry.tags(repo);
        assertThat(tags).anyMatch(t -> t.startsWith("multiarch-cache-"));
        Set<String> visited = new LinkedHashSet<>();
        for (String tag : tags) {
            scan(repo, tag, visited, List.of(fileSecret, envSecret));
        }
        assertThat(visited).as("manifests and blobs read").hasSizeGreaterThan(6);
    }

    /** Reads a manifest and everything it references, decompressing gzip blobs, failing on any secret value. */
    private void scan(String repo, String reference, Set<String> visited, List<String> values) throws Exception {
        if (!visited.add(reference)) {
            return;
        }
        byte[] raw = registry.rawManifest(repo, reference);
        assertNone(raw, values, repo + ":" + reference);
        JsonNode m = new ObjectMapper().readTree(raw);
        List<JsonNode> blobs = new ArrayList<>();
        for (JsonNode child : m.path("manifests")) {
            if (child.path("mediaType").asText().contains("manifest") || child.path("mediaType").asText().contains("index")) {
                scan(repo, child.path("digest").asText(), visited, values);
            } else {
                blobs.add(child); // a registry cache's index lists its layers and cache config as entries
            }
        }
        if (m.has("config")) {
            blobs.add(m.path("config"));
        }
        m.path("layers").forEach(blobs::add);
        for (JsonNode b : blobs) {
            String digest = b.path("digest").asText();
            if (visited.add(digest)) {
                byte[] bytes = registry.blob(repo, digest);
                if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
                    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                        bytes = in.readAllBytes();
                    }
                }
                assertNone(bytes, values, repo + "@" + digest);
            }
        }
    }

    private static void assertNone(byte[] bytes, List<String> values, String where) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String v : values) {
            assertThat(text).as(where).doesNotContain(v);
        }
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", argv) + ": " + out).isZero();
        return out;
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Reads every process's command line, every 20 ms, while a run goes on. */
    private static final class ProcessWatch {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<String> leaks = new CopyOnWriteArrayList<>();
        private final List<String> values;
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::loop, "process-watch");

        ProcessWatch(List<String> values) {
            this.values = values;
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        private void loop() {
            while (running) {
                try {
                    for (String line : CliProcess.processesMentioning("")) {
                        if (line.contains("buildx") && !seen.contains(line)) {
                            seen.add(line);
                        }
                        if (values.stream().anyMatch(line::contains)) {
                            leaks.add(line);
                        }
                    }
                    Thread.sleep(20);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }
    }
}
