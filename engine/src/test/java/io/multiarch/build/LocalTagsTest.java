package io.multiarch.build;

import io.multiarch.docker.DockerCli;
import io.multiarch.process.CommandResult;
import io.multiarch.process.ScriptedRunner;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.multiarch.process.ScriptedRunner.fail;
import static io.multiarch.process.ScriptedRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalTagsTest {
    private static final String REPO = "registry.example.com/team/app";
    private static final String RUN_A = "20261202-170559-f8a6a5";
    private static final String RUN_B = "20261202-170608-3ca6e6";

    private final ScriptedRunner runner = new ScriptedRunner()
            .on(List.of("tag"), c -> ok(""))
            .on(List.of("image", "rm"), c -> ok(""));
    private final DockerCli docker = new DockerCli("docker", Map.of(), runner);

    @Test
    void keeperOfATemporaryTagIsItsBatchOrPlatformWithoutTheRun() {
        assertThat(LocalTags.keeper(REPO + ":multiarch-tmp-" + RUN_A + "-batch1")).contains(REPO + ":multiarch-last-batch1");
        assertThat(LocalTags.keeper("127.0.0.1:5000/it/app:multiarch-tmp-" + RUN_A + "-linux-arm-v7"))
                .contains("127.0.0.1:5000/it/app:multiarch-last-linux-arm-v7");
        assertThat(LocalTags.keeper(REPO + ":latest")).isEmpty();
        assertThat(LocalTags.keeper(REPO + ":multiarch-tmp-batch1")).isEmpty();
    }

    @Test
    void eachNameMovesToItsKeeperThenAllAreRemovedInOneCommand() throws Exception {
        String batch = REPO + ":multiarch-tmp-" + RUN_A + "-batch1";
        String arm = REPO + ":multiarch-tmp-" + RUN_A + "-linux-arm64";

        CommandResult r = LocalTags.release(docker, List.of(batch, arm));

        assertThat(r.succeeded()).isTrue();
        assertThat(runner.argvs()).containsExactly(
                List.of("docker", "tag", batch, REPO + ":multiarch-last-batch1"),
                List.of("docker", "tag", arm, REPO + ":multiarch-last-linux-arm64"),
                List.of("docker", "image", "rm", batch, arm));
    }

    @Test
    void namesSharingAKeeperAreMovedAndRemovedInTurnSoThatNoneIsRemovedAsAnImagesLastName() throws Exception {
        String older = REPO + ":multiarch-tmp-" + RUN_A + "-batch1";
        String newer = REPO + ":multiarch-tmp-" + RUN_B + "-batch1";
        String keeper = REPO + ":multiarch-last-batch1";

        LocalTags.release(docker, List.of(older, newer));

        assertThat(runner.argvs()).containsExactly(
                List.of("docker", "tag", older, keeper),
                List.of("docker", "image", "rm", older),
                List.of("docker", "tag", newer, keeper),
                List.of("docker", "image", "rm", newer));
    }

    @Test
    void aNameOfAnotherFormOrWhoseCopyFailedIsStillRemoved() throws Exception {
        String temporary = REPO + ":multiarch-tmp-" + RUN_A + "-batch1";
        ScriptedRunner refusing = new ScriptedRunner()
                .on(List.of("tag"), c -> fail(1, "Error response from daemon: No such image: " + temporary))
                .on(List.of("image", "rm"), c -> fail(1, "Error response from daemon: No such image: " + temporary));

        CommandResult r = LocalTags.release(new DockerCli("docker", Map.of(), refusing), List.of(REPO + ":other", temporary));

        // the removal's own answer is the caller's to judge
        assertThat(r.succeeded()).isFalse();
        assertThat(r.stderr()).contains("No such image");
        assertThat(refusing.argvs()).containsExactly(
                List.of("docker", "tag", temporary, REPO + ":multiarch-last-batch1"),
                List.of("docker", "image", "rm", REPO + ":other", temporary));
    }

    @Test
    void nothingToReleaseIsTheCallersMistake() {
        assertThatThrownBy(() -> LocalTags.release(docker, List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
