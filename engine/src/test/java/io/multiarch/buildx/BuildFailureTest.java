package io.multiarch.buildx;

import io.multiarch.process.CommandResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** On real buildx 0.13 output (src/test/resources/captured). */
class BuildFailureTest {

    private static CommandResult failed(String stderr) {
        return new CommandResult(1, "", stderr, Duration.ofSeconds(1), false);
    }

    @Test
    void shouldCallADockerfileThatDoesNotParsePermanent() {
        assertThat(BuildFailure.permanent(failed(Captured.text("buildx-progress-parse-error.txt"))))
                .hasValueSatisfying(why -> assertThat(why).startsWith("the Dockerfile does not parse")
                        .contains("unknown instruction: RUNN"));
    }

    @Test
    void shouldCallADockerfileThatDoesNotParsePermanentWhenBuildxNamesTheFrontendsError() {
        assertThat(BuildFailure.permanent(failed(Captured.text("buildx-progress-parse-error-build-function.txt"))))
                .hasValueSatisfying(why -> assertThat(why).startsWith("the Dockerfile does not parse")
                        .contains("failed to run Build function: dockerfile parse error on line 2"));
    }

    @Test
    void shouldCallARegistryThatRefusesTheConnectionPermanent() {
        assertThat(BuildFailure.permanent(failed(Captured.text("buildx-progress-push-refused.txt"))))
                .hasValueSatisfying(why -> assertThat(why).startsWith("a registry refused the connection")
                        .contains("dial tcp 127.0.0.1:5999"));
    }

    @Test
    void shouldCallAFileMissingFromTheContextPermanent() {
        assertThat(BuildFailure.permanent(failed(Captured.text("buildx-progress-copy-missing.txt"))))
                .hasValueSatisfying(why -> assertThat(why).contains("not in the build context").contains("\"/nothere\": not found"));
    }

    @Test
    void shouldLeaveAFailedRunStepAndAPushAnsweredWith500ToTheRetries() {
        assertThat(BuildFailure.permanent(failed(Captured.text("buildx-progress-push-500.txt")))).isEmpty();
        assertThat(BuildFailure.permanent(failed("#9 [build 3/3] RUN make\n#9 ERROR: process \"/bin/sh -c make\" did not "
                + "complete successfully: exit code: 2\nERROR: failed to solve: process \"/bin/sh -c make\" did not complete "
                + "successfully: exit code: 2\n"))).isEmpty();
    }

    @Test
    void shouldNotJudgeASuccessOrATimeout() {
        assertThat(BuildFailure.permanent(new CommandResult(0, "", "ERROR: failed to solve: dockerfile parse error",
                Duration.ZERO, false))).isEmpty();
        assertThat(BuildFailure.permanent(new CommandResult(-1, "", "ERROR: failed to solve: dockerfile parse error",
                Duration.ZERO, true))).isEmpty();
    }
}
