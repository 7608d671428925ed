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
        long since = System.currentTimeMillis() / 1000 - 1;

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
        // the arm64 image was built by the second daemon: that daemon pushed it under the run's temporary tag, the
        // first did not (the name itself leaves the image store, an endpoint's at the end of the run, moved to its
        // keeper there)
        String image = RegistryClient.HOST + "/" + repo + ":" + arm64Tag;
        String keeper = RegistryClient.HOST + "/" + repo + ":" + arm64Tag.replaceFirst("^multiarch-tmp-\\d{8}-\\d{6}-[0-9a-f]{6}-", "multiarch-last-");
        long until = System.currentTimeMillis() / 1000 + 1;
        assertThat(pushes(SECOND, since, until)).contains(image);
        assertThat(pushes(null, since, until)).doesNotContain(image);
        assertThat(images(SECOND)).doesNotContain(image).contains(keeper);
        assertThat(images(null)).doesNotContain(keeper);
    }

    /** The names a daemon pushed between two times (seconds since the epoch), from its events. */
    private static List<String> pushes(String dockerHost, long since, long until) throws IOException, InterruptedException {
        return docker(dockerHost, "events", "--since", String.valueOf(since), "--until", String.valueOf(until),
                "--filter", "type=image", "--filter", "event=push", "--format", "{{.Actor.ID}}");
    }

    private static List<String> images(String dockerHost) throws IOException, InterruptedException {
        return docker(dockerHost, "image", "ls", "--format", "{{.Repository}}:{{.Tag}}");
    }

    private static List<String> docker(String dockerHost, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
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
