package io.multiarch.build;

import io.multiarch.binfmt.BinfmtFixture;
import io.multiarch.buildx.Manifest;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.CommandResult;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.ExecutionOptions;
import io.multiarch.request.RawBuildInput;
import io.multiarch.result.PublishResult;
import io.multiarch.result.RunResult;
import io.multiarch.result.TagState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.multiarch.build.FakeDocker.REPO;
import static io.multiarch.process.ScriptedRunner.fail;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publish that fails part way leaves every tag where it was: the publish records what each tag served, moves the
 * tags one at a time, and moves back those it moved when a later one fails (before, a 500 on the second tag left the
 * first on the new index while the report said "not published").
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PublishRollbackTest {
    private static final String RUN_ID = "20250101-120000-a1b2c3";
    private static final CommandResult MANIFEST_PUT_500 = fail(1, "ERROR: failed commit on ref \"index-sha256:1\": unexpected "
            + "status from PUT request to http://127.0.0.1:5000/v2/demo/hello/manifests/t2: 500 Internal Server Error");

    @TempDir
    Path temp;

    private Path context;
    private BinfmtFixture binfmt;
    private final FakeDocker docker = new FakeDocker();
    private String oldIndex;

    @BeforeEach
    void setUp() throws IOException {
        context = Files.createDirectories(temp.resolve("context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\n");
        binfmt = BinfmtFixture.debianQemuUserStatic(temp);
        oldIndex = docker.composedIndex(List.of(Platform.AMD64));
    }

    private RunResult run(List<String> tags) throws InterruptedException {
        BuildRequest request = new RawBuildInput().image(REPO).tags(tags).context(context.toString())
                .platforms(List.of("linux/amd64", "linux/arm64")).concurrency(2).build();
        AgentContext agent = docker.agent(FakeDocker.AMD64_DOCKER_DRIVER, binfmt.path());
        return new MultiArchBuild(request, new ExecutionOptions(2, true), RunPlan.of(request, FakeDocker.AMD64_DOCKER_DRIVER.nativePlatforms(), RUN_ID),
                p -> agent, agent).run();
    }

    @Test
    void shouldMoveTheFirstTagBackWhenTheSecondFails() throws Exception {
        // Given two tags serving an older index, and a registry that answers the second tag's manifest PUT with a 500
        docker.serveTag("t1", oldIndex).serveTag("t2", oldIndex).failCreate("t2", MANIFEST_PUT_500);

        // When
        RunResult run = run(List.of("t1", "t2"));

        // Then both tags serve the old index again, and the report says so for each
        String old = Manifest.digestOf(oldIndex);
        assertThat(docker.served("t1")).isEqualTo(oldIndex);
        assertThat(docker.served("t2")).isEqualTo(oldIndex);
        PublishResult publish = run.publish();
        assertThat(publish.published()).isFalse();
        assertThat(publish.tagsLeftChanged()).isFalse();
        assertThat(publish.tagStates()).containsExactly(
                new TagState("t1", old, old, "restored after the failed publish", false),
                new TagState("t2", old, old, "", false));
        assertThat(publish.message()).startsWith("publish failed: ").contains("500 Internal Server Error")
                .endsWith("every tag serves what it served before");
        assertThat(docker.runner.callsWith("imagetools", "create", "--tag", REPO + ":t1", REPO + "@" + old)).hasSize(1);
        assertThat(docker.output).contains("[publish] moving " + REPO + ":t1 back to " + old);
    }

    @Test
    void shouldNameATagItCreatedAndCannotRemoveWithTheDigestItServes() throws Exception {
        // Given two new tags: the registry API cannot remove a tag, so the first cannot be undone
        docker.failCreate("t2", MANIFEST_PUT_500);

        // When
        RunResult run = run(List.of("t1", "t2"));

        // Then
        PublishResult publish = run.publish();
        String ours = Manifest.digestOf(docker.served("t1"));
        assertThat(publish.published()).isFalse();
        assertThat(publish.tagsLeftChanged()).isTrue();
        assertThat(publish.tagStates()).containsExactly(
                new TagState("t1", "", ours, "created by this publish; the registry API cannot remove a tag, so it stays", true),
                new TagState("t2", "", "", "", false));
        assertThat(publish.message()).contains("not restored: t1 serves " + ours);
    }

    @Test
    void shouldMoveTagsThatExistedBeforeTheNewOnes() throws Exception {
        // Given 'new' does not exist yet and 'old' does: 'old' can be put back, 'new' cannot be removed
        docker.serveTag("old", oldIndex).failCreate("old", MANIFEST_PUT_500);

        // When the tags are asked for new first
        RunResult run = run(List.of("new", "old"));

        // Then 'old' was tried first and its failure stopped the publish before 'new' was created
        assertThat(docker.creates()).filteredOn(c -> !c.argv().contains("--dry-run"))
                .extracting(c -> c.argv().get(c.argv().indexOf("--tag") + 1)).containsExactly(REPO + ":old");
        assertThat(docker.served("new")).isNull();
        assertThat(run.publish().tagsLeftChanged()).isFalse();
    }

    @Test
    void shouldSayWhichTagItCouldNotMoveBackAndWhatItServes() throws Exception {
        // Given the roll-back of t1 fails too
        docker.serveTag("t1", oldIndex).serveTag("t2", oldIndex).failCreate("t2", MANIFEST_PUT_500)
                .failCopy("t1", fail(1, "ERROR: connection reset by peer"));

        // When
        RunResult run = run(List.of("t1", "t2"));

        // Then
        PublishResult publish = run.publish();
        String ours = Manifest.digestOf(docker.served("t1"));
        assertThat(ours).isNotEqualTo(Manifest.digestOf(oldIndex));
        assertThat(publish.tagsLeftChanged()).isTrue();
        assertThat(publish.tagStates().get(0)).satisfies(t -> {
            assertThat(t.tag()).isEqualTo("t1");
            assertThat(t.after()).isEqualTo(ours);
            assertThat(t.unrestored()).isTrue();
            assertThat(t.note()).startsWith("restoring it failed").contains("connection reset by peer");
        });
        assertThat(publish.message()).contains("not restored: t1 serves " + ours);
    }

    @Test
    void shouldLeaveATagThatSomeoneElseMovedMeanwhile() throws Exception {
        // Given a concurrent publish moves t1 right after this one did, so this one's read-back fails
        String theirs = docker.composedIndex(List.of(Platform.ARM64));
        docker.serveTag("t1", oldIndex).servesAfterPush("t1", theirs);

        // When
        RunResult run = run(List.of("t1"));

        // Then the tag stays on the other publish's index, which this one does not claim to have restored
        assertThat(docker.served("t1")).isEqualTo(theirs);
        assertThat(run.publish().published()).isFalse();
        assertThat(run.publish().tagsLeftChanged()).isFalse();
        assertThat(run.publish().tagStates()).singleElement().satisfies(t -> {
            assertThat(t.after()).isEqualTo(Manifest.digestOf(theirs));
            assertThat(t.note()).isEqualTo("moved by someone else meanwhile; left as it is");
        });
        assertThat(docker.runner.callsWith("imagetools", "create", "--tag", REPO + ":t1", REPO + "@" + Manifest.digestOf(oldIndex)))
                .isEmpty();
    }

    @Test
    void shouldMoveTheTagsBackWhenInterruptedWhileMovingThem() throws Exception {
        // Given the second tag's push blocks until the run is interrupted
        docker.serveTag("t1", oldIndex).serveTag("t2", oldIndex);
        docker.runner.on(a -> a.contains("create") && !a.contains("--dry-run") && a.contains(REPO + ":t2")
                && a.stream().noneMatch(x -> x.equals(REPO + "@" + Manifest.digestOf(oldIndex))), c -> {
            Thread.sleep(30_000);
            return new CommandResult(0, "", "", Duration.ZERO, false);
        });
        Thread main = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                while (docker.runner.callsWith("--tag", REPO + ":t2").stream().noneMatch(c -> !c.argv().contains("--dry-run"))) {
                    Thread.sleep(20);
                }
                main.interrupt();
            } catch (InterruptedException e) {
                // test ends
            }
        });
        interrupter.start();

        // When
        RunResult run = run(List.of("t1", "t2"));
        boolean interrupted = Thread.interrupted();

        // Then t1 went back, nothing was published, and the interrupt is passed on
        interrupter.join();
        assertThat(interrupted).isTrue();
        assertThat(run.published()).isFalse();
        assertThat(run.interrupted()).isNotEmpty();
        assertThat(docker.served("t1")).isEqualTo(oldIndex);
        assertThat(docker.served("t2")).isEqualTo(oldIndex);
    }
}
