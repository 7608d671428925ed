package io.multiarch.cli;

import io.multiarch.docker.DockerCli;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The local names of temporary tags a run leaves for the next one to remove: what is noted, what is removed, what is said. */
class LocalNamesTest {
    private static final String BATCH = "127.0.0.1:5000/team/app:multiarch-tmp-20261202-141819-bcbcd7-batch1";
    private static final String ARM = "registry.example.com:8443/team/app:multiarch-tmp-20261202-141819-bcbcd7-linux-arm-v7";

    @TempDir
    Path cache;

    private final List<List<String>> calls = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final io.multiarch.process.OutputListener out = (line, error) -> lines.add(line);
    private volatile CommandResult answer = new CommandResult(0, "", "", Duration.ZERO, false);

    private DockerCli docker() {
        return new DockerCli("docker", Map.of(), (Command c, io.multiarch.process.OutputListener l) -> {
            calls.add(c.argv());
            return answer;
        });
    }

    private LocalNames names() {
        return new LocalNames(cache.resolve("multiarch/local-names-0123.txt"));
    }

    @Test
    void shouldRemoveWhatEarlierRunsNotedInOneCommandAndOnlyOnce() throws Exception {
        // Given two runs noted their names (one name twice)
        names().record(List.of(BATCH), out);
        names().record(List.of(ARM, BATCH), out);

        // When the next run removes them, and another one after it
        int first = names().removeListed(docker(), out);
        int second = names().removeListed(docker(), out);

        // Then each name moves to its keeper (LocalTags.release), one `docker image rm` takes both away, the list is
        // gone, nothing was said
        assertThat(first).isEqualTo(2);
        assertThat(second).isZero();
        assertThat(calls).containsExactly(
                List.of("docker", "tag", BATCH, "127.0.0.1:5000/team/app:multiarch-last-batch1"),
                List.of("docker", "tag", ARM, "registry.example.com:8443/team/app:multiarch-last-linux-arm-v7"),
                List.of("docker", "image", "rm", BATCH, ARM));
        assertThat(Files.list(cache.resolve("multiarch"))).isEmpty();
        assertThat(lines).isEmpty();
    }

    @Test
    void shouldNeverRemoveANameThatIsNotATemporaryTag() throws Exception {
        // Given a list with other names in it (written by hand, or by something else)
        Path file = cache.resolve("multiarch/local-names-0123.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "alpine:latest\n--force\n" + BATCH + "\n127.0.0.1:5000/team/app:multiarch-tmp-x\n"
                + "127.0.0.1:5000/team/app@sha256:" + "0".repeat(64) + "\n");
        names().record(List.of("127.0.0.1:5000/team/app:1.0", "-f"), out);

        // When
        names().removeListed(docker(), out);

        // Then only the temporary tag reached docker
        assertThat(calls).containsExactly(List.of("docker", "tag", BATCH, "127.0.0.1:5000/team/app:multiarch-last-batch1"),
                List.of("docker", "image", "rm", BATCH));
    }

    @Test
    void shouldTakeNamesAlreadyGoneQuietlyAndSayWhatElseWentWrong() throws Exception {
        names().record(List.of(BATCH, ARM), out);
        answer = new CommandResult(1, "", "Error response from daemon: No such image: " + BATCH + "\n", Duration.ZERO, false);

        names().removeListed(docker(), out);
        assertThat(lines).isEmpty();

        names().record(List.of(ARM), out);
        answer = new CommandResult(1, "", "Error response from daemon: conflict: unable to remove repository reference \"" + ARM
                + "\" (must force) - container 0a1b is using its referenced image\n", Duration.ZERO, false);
        names().removeListed(docker(), out);
        assertThat(lines).singleElement().satisfies(l -> assertThat(l)
                .startsWith("could not remove all the temporary tags earlier runs left in the local image store")
                .contains("container 0a1b is using its referenced image"));
    }

    @Test
    void shouldKeepOneListPerDockerEnvironmentBesideItsRememberedToolchain() throws Exception {
        Map<String, String> local = Map.of("XDG_CACHE_HOME", cache.toString());
        Map<String, String> other = Map.of("XDG_CACHE_HOME", cache.toString(), "DOCKER_HOST", "tcp://other:2376");
        RememberedToolchain.of("docker", local, "boot-1").orElseThrow().localNames().record(List.of(BATCH), out);

        // a run on another daemon finds nothing to remove; a run on the same one finds the name
        assertThat(RememberedToolchain.of("docker", other, "boot-1").orElseThrow().localNames().removeListed(docker(), out)).isZero();
        assertThat(calls).isEmpty();
        assertThat(cache.resolve("multiarch")).isDirectoryContaining(p -> p.getFileName().toString().matches("local-names-[0-9a-f]{24}\\.txt"));
        assertThat(RememberedToolchain.of("docker", local, "boot-1").orElseThrow().localNames().removeListed(docker(), out)).isEqualTo(1);
        assertThat(calls).contains(List.of("docker", "image", "rm", BATCH));
    }
}
