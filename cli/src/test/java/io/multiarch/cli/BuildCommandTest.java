package io.multiarch.cli;

import io.multiarch.request.BuildRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BuildCommandTest {
    @TempDir
    Path context;

    private BuildRequest request(String... options) throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\n");
        List<String> args = new ArrayList<>(List.of("build", context.toString(), "--image", "127.0.0.1:5000/demo/hello",
                "--platforms", "linux/amd64"));
        args.addAll(List.of(options));
        CommandLine.ParseResult parsed = Main.commandLine("build").parseArgs(args.toArray(String[]::new));
        return ((BuildCommand) parsed.subcommand().commandSpec().userObject()).toRequest();
    }

    @Test
    void shouldReadTimeoutsWithAUnitAsTheJenkinsStepDoes() throws IOException {
        BuildRequest r = request("--timeout", "90s", "--test-timeout", "10m");

        assertThat(r.platformTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(r.testTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void shouldReadBareTimeoutsInTheirDocumentedUnits() throws IOException {
        // --timeout in minutes, --test-timeout in seconds, as they always were
        BuildRequest r = request("--timeout", "30", "--test-timeout", "45");
        assertThat(r.platformTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(r.testTimeout()).isEqualTo(Duration.ofSeconds(45));

        BuildRequest defaults = request();
        assertThat(defaults.platformTimeout()).isEqualTo(Duration.ofMinutes(60));
        assertThat(defaults.testTimeout()).isEqualTo(Duration.ofMinutes(10));
    }
}
