package io.multiarch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A platform sent to another docker daemon with {@code --endpoint}: a second, real dockerd on this machine (its own
 * socket, data root and exec root, started by {@code scripts/toolchain.sh second-start}) builds arm64 while the
 * default daemon builds amd64, and the published index lists both.
 */
class EndpointIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String SECOND = "unix:///run/multiarch-second/docker.sock";

    @TempDir
    Path work;

    /** Whether the second daemon ran before this test: then it is someone else's, and stays running. */
    private static boolean wasRunning;

    @BeforeAll
    static void startSecondDaemon() throws Exception {
        wasRunning = new ProcessBuilder("docker", "-H", SECOND, "info").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        assertThat(script("second-start")).as("scripts/toolchain.sh second-start").isZero();
    }

    @AfterAll
    static void stopSecondDaemon() throws Exception {
        if (!wasRunning) {
            script("second-stop");
        }
    }

    @Test
    void shouldBuildAPlatformOnItsOwnEndpointAndPublishOneIndex() throws Exception {
        String repo = "it/endpoint-" + UUID.randomUUID().toString().substring(0, 8);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "build",
                ROOT.resolve("examples/hello").toString(), "--image", RegistryClient.HOST + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64", "--endpoint", "linux/arm64=" + SECOND, "--test", "arch-test",
                "--report", work.toString());

        assertThat(exit).as(out + "\n" + err).isZero();
        assertThat(new RegistryClient().platforms(repo, "v1")).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        JsonNode report = new ObjectMapper().readTree(Files.readString(work.resolve("report.json"), StandardCharsets.UTF_8));
        String arm64Tag = null;
        for (JsonNode p : report.path("platforms")) {
            if (p.path("platform").asText().equals("linux/arm64")) {
                assertThat(p.path("agent").asText()).isEqualTo(SECOND);
                arm64Tag = p.path("tempTag").asText();
            } else {
                assertThat(p.path("agent").asText()).isEqualTo("local");
            }
        }
        // the arm64 image was built by the second daemon: it is in that daemon's image store, not the first's
        String image = RegistryClient.HOST + "/" + repo + ":" + arm64Tag;
        assertThat(images(SECOND)).contains(image);
        assertThat(images(null)).doesNotContain(image);
    }

    private static List<String> images(String dockerHost) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}");
        if (dockerHost != null) {
            pb.environment().put("DOCKER_HOST", dockerHost);
        } else {
            pb.environment().remove("DOCKER_HOST");
        }
        Process p = pb.redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(text).isZero();
        return text.lines().toList();
    }

    private static int script(String subcommand) throws IOException, InterruptedException {
        return new ProcessBuilder("bash", ROOT.resolve("scripts/toolchain.sh").toString(), subcommand)
                .inheritIO().start().waitFor();
    }
}
