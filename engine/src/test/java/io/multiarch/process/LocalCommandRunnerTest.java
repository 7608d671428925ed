package io.multiarch.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs small programs of the machine (printf, cat, sleep), never docker: what the process seam itself promises. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalCommandRunnerTest {
    private final LocalCommandRunner runner = new LocalCommandRunner();

    @TempDir
    Path temp;

    @Test
    void shouldPassEveryArgumentAsItIsWithoutAShell() throws Exception {
        // When
        CommandResult r = runner.run(Command.of(List.of("printf", "%s|", "a b", "$(id)", "; echo x", "'q'", "*")),
                OutputListener.NONE);

        // Then
        assertThat(r.succeeded()).isTrue();
        assertThat(r.stdout()).isEqualTo("a b|$(id)|; echo x|'q'|*|\n");
    }

    @Test
    void shouldReadOutputAsUtf8AndStreamItLineByLine() throws Exception {
        // Given
        List<String> lines = new CopyOnWriteArrayList<>();

        // When
        CommandResult r = runner.run(Command.of(List.of("printf", "ünïcødé ✓\nsecond\n")), (line, error) -> lines.add(line + (error ? " (err)" : "")));

        // Then
        assertThat(r.stdout()).isEqualTo("ünïcødé ✓\nsecond\n");
        assertThat(lines).containsExactly("ünïcødé ✓", "second");
    }

    @Test
    void shouldReportExitCodeAndErrorOutput() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();

        CommandResult r = runner.run(Command.of(List.of("sh", "-c", "echo out; echo 'ERROR: failed to solve' >&2; exit 3")),
                (line, error) -> {
                    if (error) {
                        errors.add(line);
                    }
                });

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.succeeded()).isFalse();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("ERROR: failed to solve\n");
        assertThat(r.tail(1)).isEqualTo("ERROR: failed to solve");
        assertThat(errors).containsExactly("ERROR: failed to solve");
    }

    @Test
    void shouldAddTheCommandsEnvironment() throws Exception {
        CommandResult r = runner.run(Command.of(List.of("sh", "-c", "printf '%s' \"$DOCKER_CONFIG\""))
                .withEnv(Map.of("DOCKER_CONFIG", "/run/multiarch/config")), OutputListener.NONE);

        assertThat(r.stdout()).isEqualTo("/run/multiarch/config\n");
    }

    @Test
    void shouldRunInTheWorkingDirectory() throws Exception {
        CommandResult r = runner.run(Command.of(List.of("pwd")).withWorkDir(temp.toString()), OutputListener.NONE);

        assertThat(Path.of(r.stdout().strip()).toRealPath()).isEqualTo(temp.toRealPath());
    }

    @Test
    void shouldWriteStandardInputThenCloseIt() throws Exception {
        CommandResult r = runner.run(Command.of(List.of("cat")).withStdin("registry password\n"), OutputListener.NONE);

        assertThat(r.stdout()).isEqualTo("registry password\n");
        assertThat(r.succeeded()).isTrue();
    }

    @Test
    void shouldKillAProcessAtItsTimeoutAndSaySo() throws Exception {
        // When
        long t0 = System.nanoTime();
        CommandResult r = runner.run(Command.of(List.of("sleep", "30")).withTimeout(Duration.ofMillis(300)), OutputListener.NONE);

        // Then
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.succeeded()).isFalse();
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(15);
    }

    @Test
    void shouldRunTheCleanUpAfterATimeout() throws Exception {
        // Given
        Path marker = temp.resolve("cleaned");

        // When
        runner.run(Command.of(List.of("sleep", "30")).withTimeout(Duration.ofMillis(300))
                .withOnTimeout(List.of("touch", marker.toString())), OutputListener.NONE);

        // Then
        assertThat(marker).exists();
    }

    @Test
    void shouldNotRunTheCleanUpWhenTheProcessEndsInTime() throws Exception {
        Path marker = temp.resolve("cleaned");

        runner.run(Command.of(List.of("true")).withOnTimeout(List.of("touch", marker.toString())), OutputListener.NONE);

        assertThat(marker).doesNotExist();
    }

    @Test
    void shouldRunTheCleanUpWithTheCommandsEnvironment() throws Exception {
        // Given a docker command for another daemon (DOCKER_HOST), whose clean-up 'docker rm -f' must reach that
        // same daemon: here the clean-up writes the DOCKER_HOST it sees
        Path marker = temp.resolve("docker-host-seen-by-cleanup");
        Command c = Command.of(List.of("sleep", "30"))
                .withEnv(Map.of("DOCKER_HOST", "ssh://builder@arm64.example.com", "MARKER", marker.toString()))
                .withTimeout(Duration.ofMillis(300))
                .withOnTimeout(List.of("sh", "-c", "printf '%s' \"$DOCKER_HOST\" > \"${MARKER:-/dev/null}\""));

        // When
        runner.run(c, OutputListener.NONE);

        // Then
        assertThat(marker).exists();
        assertThat(Files.readString(marker)).isEqualTo("ssh://builder@arm64.example.com");
    }

    @Test
    void shouldKillTheProcessWhenTheCallerIsInterrupted() throws Exception {
        // Given a long command run in another thread
        Path marker = temp.resolve("cleaned");
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                runner.run(Command.of(List.of("sleep", "30")).withTimeout(Duration.ofMinutes(5))
                        .withOnTimeout(List.of("touch", marker.toString())), OutputListener.NONE);
            } catch (Throwable e) {
                thrown[0] = e;
            }
        });
        t.start();
        Thread.sleep(300);

        // When
        t.interrupt();
        t.join(20_000);

        // Then
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown[0]).isInstanceOf(InterruptedException.class);
        assertThat(marker).exists();
    }

    @Test
    void shouldKillAProcessThatIgnoresSigtermSoonAfterItsTimeout() throws Exception {
        // Given a process tree that ignores SIGTERM, as a container's PID 1 under QEMU does: before, the runner
        // waited 10 s between SIGTERM and SIGKILL (a 5 s test timeout measured 15.7 s)
        Path pids = temp.resolve("pids");
        Command c = Command.of(List.of("sh", "-c", "trap '' TERM; sleep 60 & echo $! > " + pids + "; wait; wait"))
                .withTimeout(Duration.ofMillis(500));

        // When
        long t0 = System.nanoTime();
        CommandResult r = runner.run(c, OutputListener.NONE);
        double seconds = (System.nanoTime() - t0) / 1e9;

        // Then it timed out and nothing of it runs any more: SIGKILL came after the grace period
        assertThat(r.timedOut()).isTrue();
        long child = Long.parseLong(Files.readString(pids).strip());
        assertThat(gone(child)).as("the SIGTERM-ignoring child %d", child).isTrue();
        // a loose bound, far from the old 10 s of grace: timeout 0.5 s + grace 1 s + slack for a loaded machine
        assertThat(seconds).isLessThan(0.5 + LocalCommandRunner.KILL_GRACE.toSeconds() + 4);
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void shouldKeepTheEndOfAnEndlessLineAndSayHowMuchWasDropped() throws Exception {
        // Given a program printing one 20 MB line, then a short one
        List<String> lines = new CopyOnWriteArrayList<>();

        // When
        CommandResult r = runner.run(Command.of(List.of("sh", "-c",
                "head -c 20000000 /dev/zero | tr '\\0' a; printf 'END\\nlast\\n'")), (line, error) -> lines.add(line));

        // Then the listener and the capture each hold the line's last 64 Ki characters, with the count of the rest
        long dropped = 20_000_003L - LineSplitter.MAX_LINE;
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("[…" + dropped + " characters dropped] aaa").endsWith("aaaEND")
                .hasSize(("[…" + dropped + " characters dropped] ").length() + LineSplitter.MAX_LINE);
        assertThat(lines.get(1)).isEqualTo("last");
        assertThat(r.stdout()).isEqualTo(lines.get(0) + "\nlast\n");
    }

    @Test
    void shouldKeepTheEndOfOutputLongerThanTheCapture() throws Exception {
        // 800 000 numbered lines, about 5.4 MB: more than the 4 MiB kept
        CommandResult r = runner.run(Command.of(List.of("seq", "1", "800000")), OutputListener.NONE);

        assertThat(r.stdout()).startsWith("[…").contains(" characters dropped]\n").endsWith("\n799999\n800000\n");
        assertThat(r.stdout().length()).isLessThan(LocalCommandRunner.MAX_CAPTURE + 100);
        assertThat(r.tail(1)).isEqualTo("800000");
    }

    @Test
    void shouldStopEveryRunningProcessAndRefuseNewOnesOnStopAll() throws Exception {
        // Given two long commands with their clean-ups, run on two threads
        Path first = temp.resolve("cleaned-1");
        Path second = temp.resolve("cleaned-2");
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        List<CommandResult> results = new CopyOnWriteArrayList<>();
        List<Thread> threads = new java.util.ArrayList<>();
        for (Path marker : List.of(first, second)) {
            Thread t = new Thread(() -> {
                try {
                    results.add(runner.run(Command.of(List.of("sleep", "60")).withTimeout(Duration.ofMinutes(5))
                            .withOnTimeout(List.of("touch", marker.toString())), OutputListener.NONE));
                } catch (Throwable e) {
                    thrown.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(500);

        // When
        runner.stopAll();

        // Then both ended (killed by SIGTERM: 143), both clean-ups ran, and no new process starts
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(thrown).isEmpty();
        assertThat(results).extracting(CommandResult::exitCode).containsExactly(143, 143);
        assertThat(first).exists();
        assertThat(second).exists();
        assertThatThrownBy(() -> runner.run(Command.of(List.of("true")), OutputListener.NONE))
                .isInstanceOf(InterruptedException.class);
    }

    /** Whether a process has ended: gone, or a zombie left for its new parent to reap. */
    private static boolean gone(long pid) throws IOException, InterruptedException {
        for (int i = 0; i < 50; i++) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            if (!Files.exists(stat)) {
                return true;
            }
            String s = Files.readString(stat);
            if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void shouldFailToStartAMissingProgram() {
        assertThatThrownBy(() -> runner.run(Command.of(List.of("/nonexistent/docker", "version")), OutputListener.NONE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/nonexistent/docker");
    }

    @Test
    void shouldShowArgvQuotedAsAShellWouldNeedIt() {
        assertThat(Command.of(List.of("docker", "buildx", "build", "--build-arg", "A=b c", "--label", "x=it's", "."))
                .display()).isEqualTo("docker buildx build --build-arg 'A=b c' --label 'x=it'\\''s' .");
    }
}
