package io.multiarch.cli;

import io.multiarch.cli.InProcessCli.Run;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SBOM attestations on the real toolchain. BuildKit's default SBOM scanner ({@code docker/buildkit-syft-scanner}) cannot
 * be pulled here, so the test makes a scanner of its own that follows BuildKit's generator protocol (it writes an
 * in-toto statement with an SPDX document to {@code $BUILDKIT_SCAN_DESTINATION}), pushes it to the local registry and
 * names it with {@code --sbom-generator}. The published index must list exactly the platforms asked for (the
 * verification leaves the attestation entries aside), and each platform's attestation manifest must carry the SPDX
 * document BuildKit attached.
 */
class SbomIT {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private final RegistryClient registry = new RegistryClient();

    @TempDir
    Path work;

    @Test
    void shouldAttachAnSbomToEveryPlatformAndPublishAnIndexOfExactlyThePlatforms() throws Exception {
        // Given a scanner image of this test's own in the local registry
        Path scanner = Files.createDirectories(work.resolve("scanner"));
        Files.writeString(scanner.resolve("scan.sh"), """
                #!/bin/sh
                set -e
                files=$(cd "$BUILDKIT_SCAN_SOURCE" && find . -type f | wc -l)
                cat > "$BUILDKIT_SCAN_DESTINATION/sbom.spdx.json" <<EOF
                {"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://spdx.dev/Document",
                 "predicate": {"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
                  "name": "multiarch-it-sbom", "documentNamespace": "https://example.invalid/multiarch-it/$files",
                  "creationInfo": {"created": "2026-01-01T00:00:00Z", "creators": ["Tool: multiarch-it-scanner"]},
                  "comment": "files scanned: $files"}}
                EOF
                """);
        Files.writeString(scanner.resolve("Dockerfile"), """
                FROM busybox
                COPY scan.sh /scan.sh
                RUN chmod 0755 /scan.sh
                ENTRYPOINT ["/scan.sh"]
                """);
        String scannerRef = RegistryClient.HOST + "/it/sbom-scanner-" + RUN + ":1";
        docker("buildx", "build", "--platform", "linux/amd64,linux/arm64", "--provenance=false", "--push", "-t", scannerRef,
                scanner.toString());
        Path context = Files.createDirectories(work.resolve("ctx"));
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\nRUN echo " + RUN + " > /run-id\n");
        String repo = "it/sbom-" + RUN;

        // When
        Run run = cli("build", context.toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64", "--sbom-generator", scannerRef, "--test", "cat /run-id");

        // Then it published without batching, and the index lists the two platforms and two attestation manifests
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.stdout()).doesNotContain("[batch ").contains("builds and tests at most");
        assertThat(registry.platforms(repo, "v1")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        JsonNode index = registry.manifest(repo, "v1");
        List<JsonNode> attestations = new ArrayList<>();
        index.path("manifests").forEach(m -> {
            if ("attestation-manifest".equals(m.path("annotations").path("vnd.docker.reference.type").asText())) {
                attestations.add(m);
            }
        });
        assertThat(attestations).hasSize(2);
        for (JsonNode a : attestations) {
            JsonNode manifest = registry.manifest(repo, a.path("digest").asText());
            List<String> predicates = new ArrayList<>();
            manifest.path("layers").forEach(l -> predicates.add(l.path("annotations").path("in-toto.io/predicate-type").asText()));
            assertThat(predicates).contains("https://spdx.dev/Document");
            for (JsonNode l : manifest.path("layers")) {
                if (l.path("annotations").path("in-toto.io/predicate-type").asText().equals("https://spdx.dev/Document")) {
                    String statement = new String(registry.blob(repo, l.path("digest").asText()), StandardCharsets.UTF_8);
                    assertThat(statement).contains("multiarch-it-sbom").contains("files scanned: ");
                }
            }
        }
        JsonNode report = new ObjectMapper().readTree(Files.readString(run.reportDir().resolve("report.json")));
        for (JsonNode p : report.path("platforms")) {
            assertThat(p.path("sizeBytes").asLong()).as("the size of the image inside the attestation index").isPositive();
        }
    }

    private static void docker(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", argv) + ":\n" + out).isZero();
    }

    private int runs;

    private Run cli(String... args) {
        return InProcessCli.run(work.resolve("report-" + (++runs)), args);
    }
}
