package io.jenkins.plugins.multiarch;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.TaskListener;
import io.multiarch.process.Command;
import io.multiarch.process.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The process seam on an agent, run through a real launcher in a running Jenkins (its timer and remoting pool stop
 * a command): output in bounded memory, control characters made inert, and a timeout that ends a command which
 * ignores SIGTERM at once, through its clean-up.
 */
@WithJenkins
class AgentCommandRunnerTest {

    private static AgentCommandRunner runner(Path dir) {
        return new AgentCommandRunner(new Launcher.LocalLauncher(TaskListener.NULL),
                new EnvVars("PATH", System.getenv("PATH"), "HOME", "/agent-home"),
                new FilePath(dir.toFile()), TaskListener.NULL);
    }

    @Test
    void shouldEndACommandThatIgnoresSigtermThroughItsCleanUpAtTheTimeout(JenkinsRule r, @TempDir Path dir) throws Exception {
        // Given: a command that ignores SIGTERM (as a docker run waiting for its container does), and its clean-up,
        // which ends it at once (as docker rm -f ends a docker run)
        File pid = dir.resolve("pid").toFile();
        Command command = Command.of(List.of("sh", "-c", "trap '' TERM; echo $$ > " + pid + "; exec sleep 60"))
                .withTimeout(Duration.ofSeconds(1))
                .withOnTimeout(List.of("sh", "-c", "kill -9 $(cat " + pid + ")"));

        // When
        long t0 = System.nanoTime();
        CommandResult result = runner(dir).run(command, (line, error) -> { });
        double seconds = (System.nanoTime() - t0) / 1e9;

        // Then: before, Jenkins' kill waited five seconds for SIGTERM before the clean-up could start
        assertThat(result.timedOut()).isTrue();
        assertThat(seconds).as("seconds for a 1 s timeout").isLessThan(4.0);
    }

    @Test
    void shouldPassEveryArgumentAsItIsWithoutExpandingDollars(@TempDir Path dir) throws Exception {
        // Given: arguments with what Jenkins' launcher would expand: $NAME, ${NAME}, $$ (HOME is in the environment)
        String text = "literal $HOME ${HOME} $$ $1 end$";
        Command command = Command.of(List.of("printf", "%s", text)).withTimeout(Duration.ofMinutes(1));
        List<String> lines = new ArrayList<>();

        // When
        CommandResult result = runner(dir).run(command, (line, error) -> lines.add(line));

        // Then: the program got exactly the argument (before the fix: "literal /agent-home /agent-home $ $1 end$")
        assertThat(result.stdout()).isEqualTo(text + "\n");
    }

    @Test
    void shouldKeepAHugeLineInBoundedMemoryAndPassItOnCut(@TempDir Path dir) throws Exception {
        // Given: one 20 MB line (the CLI once held 2.5 GB for a 300 MB one), then a short line
        Command command = Command.of(List.of("sh", "-c", "head -c 20000000 /dev/zero | tr '\\0' x; echo; echo done"))
                .withTimeout(Duration.ofMinutes(1));
        List<String> lines = new ArrayList<>();

        // When
        CommandResult result = runner(dir).run(command, (line, error) -> lines.add(line));

        // Then
        assertThat(result.succeeded()).isTrue();
        assertThat(lines).hasSize(3); // the command line, the cut line, "done"
        assertThat(lines.get(1)).startsWith("[…").contains("characters dropped]").endsWith("xxxx");
        assertThat(lines.get(1).length()).isLessThan(70 * 1024);
        assertThat(lines.get(2)).isEqualTo("done");
        assertThat(result.stdout().length()).isLessThanOrEqualTo(LineOutputStream.MAX_CAPTURE + 100);
    }

    @Test
    void shouldDecodeCharactersSplitAcrossWrites() {
        // Given
        List<String> lines = new ArrayList<>();
        LineOutputStream out = new LineOutputStream((line, error) -> lines.add(line), false);
        byte[] text = "π≈3.14 ✓\nnext".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        // When: one byte at a time, so every multi-byte character is split
        for (byte b : text) {
            out.write(b);
        }
        out.close();

        // Then
        assertThat(lines).containsExactly("π≈3.14 ✓", "next");
        assertThat(out.captured()).isEqualTo("π≈3.14 ✓\nnext\n");
    }

    @Test
    void shouldMakeControlCharactersInertInTheLog() throws Exception {
        // Given: a line that would erase itself and forge another on a terminal
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        TaskListener listener = new hudson.util.StreamTaskListener(log, java.nio.charset.StandardCharsets.UTF_8);

        // When
        StepSupport.output(listener).line("ok\r\u001b[2K[publish] published everything", false);

        // Then
        String written = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(written).doesNotContain("\u001b").doesNotContain("\r");
        assertThat(written).contains("[publish] published everything");
    }

    @Test
    void shouldRunTheCleanUpWhenTheStepIsAborted(JenkinsRule r, @TempDir Path dir) throws Exception {
        // Given: an abort interrupts the thread that waits for the command
        Path marker = dir.resolve("cleaned");
        Command command = Command.of(List.of("sleep", "60")).withTimeout(Duration.ofMinutes(5))
                .withOnTimeout(List.of("touch", marker.toString()));
        Thread caller = Thread.currentThread();
        new Thread(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException ignored) {
                // not interrupted
            }
            caller.interrupt();
        }).start();

        // When / Then
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner(dir).run(command, (line, error) -> { }))
                .isInstanceOf(InterruptedException.class);
        Thread.interrupted();
        assertThat(Files.exists(marker)).as("the clean-up ran").isTrue();
    }
}
