package io.multiarch.build;

import io.multiarch.buildx.BuildProgress;
import io.multiarch.docker.DockerCli;
import io.multiarch.process.CommandResult;
import io.multiarch.process.LocalFileAccess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The one attempt loop of per-platform and batched builds. */
class BuildAttemptsTest {
    private final List<String> console = new ArrayList<>();
    private final List<Boolean> cacheToAsked = new ArrayList<>();
    private final AgentContext agent = new AgentContext("local", new DockerCli("docker", Map.of(), null), new LocalFileAccess(),
            FakeDocker.AMD64_DOCKER_DRIVER, "", (line, error) -> console.add(line));

    private static BuildAttempts.Attempt attempt(int exit, String output) {
        BuildProgress progress = new BuildProgress();
        output.lines().forEach(l -> progress.line(l, true));
        return new BuildAttempts.Attempt(new CommandResult(exit, "", output, Duration.ofSeconds(1), false), progress);
    }

    private static BuildAttempts.Attempt failed() {
        return attempt(1, "#9 ERROR: process \"/bin/sh -c make\" did not complete successfully: exit code: 1\n"
                + "ERROR: failed to solve: exit code: 1");
    }

    private static String captured(String name) throws IOException {
        try (InputStream in = BuildAttemptsTest.class.getResourceAsStream("/captured/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private BuildAttempts.Outcome run(BuildAttempts policy, BuildAttempts.Attempt... attempts) throws Exception {
        Deque<BuildAttempts.Attempt> queue = new ArrayDeque<>(List.of(attempts));
        return policy.run(agent, "the batch", true, cacheTo -> {
            cacheToAsked.add(cacheTo);
            return queue.isEmpty() ? attempt(0, "") : queue.poll();
        });
    }

    @Test
    void shouldBuildAFailedBuildAgainUpToItsRetries() throws Exception {
        BuildAttempts.Outcome outcome = run(new BuildAttempts(2, 0), failed(), failed(), failed(), attempt(0, ""));

        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(outcome.last().build().succeeded()).isFalse();
        assertThat(console).containsExactly("build failed (exit 1), retrying: attempt 2 of 3",
                "build failed (exit 1), retrying: attempt 3 of 3");
    }

    @Test
    void shouldBuildAgainWithoutTheCacheExportOnceNotCountingIt() throws Exception {
        BuildAttempts.Attempt refused = attempt(1, "ERROR: cache export feature is currently not supported for docker driver");

        BuildAttempts.Outcome outcome = run(new BuildAttempts(0, 0), refused, attempt(0, ""));

        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.last().build().succeeded()).isTrue();
        assertThat(cacheToAsked).containsExactly(true, false);
        assertThat(outcome.notes()).singleElement().asString().contains("built without --cache-to");
    }

    @Test
    void shouldNotBuildAgainWhatAnotherAttemptCannotChange() throws Exception {
        BuildAttempts.Outcome outcome = run(new BuildAttempts(3, 3), attempt(1, captured("buildx-progress-parse-error.txt")));

        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.permanent()).hasValueSatisfying(why -> assertThat(why).contains("does not parse"));
        assertThat(cacheToAsked).hasSize(1);
    }

    @Test
    void shouldPushAgainABuildThatFailedOnlyWhilePushing() throws Exception {
        BuildAttempts.Attempt pushFailed = attempt(1, captured("buildx-progress-push-500.txt"));

        BuildAttempts.Outcome outcome = run(new BuildAttempts(0, 2), pushFailed, pushFailed, pushFailed);

        assertThat(outcome.pushRetries()).hasSize(2).allSatisfy(note -> assertThat(note).startsWith("the batch was built but its push failed"));
        assertThat(outcome.last().build().succeeded()).isFalse();
        assertThat(cacheToAsked).containsExactly(true, true, true);
    }
}
