package io.multiarch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resident server as users meet it, through {@code bin/multiarch} on the real toolchain: the first build writes
 * the class-data-sharing archive and has the wrapper start a server; the next is served. A served build publishes, and
 * the server removes its temporary tag from the local image store once its client has ended. A served build is
 * stopped by a SIGTERM sent to the wrapper, as a CI system's abort sends it, by a terminal's Ctrl-C (SIGINT to the
 * wrapper's process group), and by the death of its client (SIGKILL:
 * the server sees the connection end), each time with nothing published, its report written and nothing of it left
 * running.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ServerIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String REGISTRY = "127.0.0.1:5000";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String SLOW_BUILD = """
            FROM busybox
            ARG TARGETARCH
            RUN echo build-started-$TARGETARCH && sleep 120
            """;

    @TempDir
    Path cache;
    @TempDir
    Path work;

    @BeforeEach
    void startAServer() throws Exception {
        Files.writeString(work.resolve("Dockerfile"), SLOW_BUILD);
        // refused input still makes a build's start: it writes the archive, and the wrapper then starts a server
        Process p = wrapper(work.resolve("first.log"), "build", work.resolve("no-such-context").toString(),
                "--image", REGISTRY + "/it/server-" + RUN, "--platforms", "linux/amd64");
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(work.resolve("first.log"))).isEqualTo(ExitCodes.INVALID_INPUT);
        for (int i = 0; i < 100 && !serverLogSays("serving "); i++) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(serverLog())).contains("serving ");
    }

    @AfterEach
    void stopTheServer() throws Exception {
        // its watch ends it when its socket is gone
        Path servers = cache.resolve("multiarch").resolve("servers");
        try (Stream<Path> files = Files.list(servers)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".sock")).toList()) {
                Files.delete(f);
            }
        }
        for (int i = 0; i < 50 && !Files.readString(serverLog()).contains("ending: "); i++) {
            Thread.sleep(200);
        }
        assertThat(Files.readString(serverLog())).contains("ending: ");
    }

    @Test
    void shouldPublishAServedBuildAndRemoveItsTemporaryTagFromTheImageStoreAfterTheClientEnded() throws Exception {
        // Given a quick build
        Path context = Files.createDirectories(work.resolve("quick"));
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\nARG TARGETARCH\nRUN echo quick-$TARGETARCH > /quick\n");
        String repo = "it/server-quick-" + RUN;
        Path log = work.resolve("quick.log");

        // When it is served
        Process p = wrapper(log, "build", context.toString(), "--image", REGISTRY + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64,linux/arm64", "--report", work.resolve("report-quick").toString());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();

        // Then: published, and served (the server's log); its local temporary tag is removed after the client ended,
        // and the busy mark goes with it
        String output = Files.readString(log);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(new RegistryClient(REGISTRY).digest(repo, "v1")).isPresent();
        for (int i = 0; i < 150 && !Files.readString(serverLog()).contains("run 1: housekeeping after it done"); i++) {
            Thread.sleep(200);
        }
        assertThat(Files.readString(serverLog())).contains("run 1 served: exit 0").contains("run 1: housekeeping after it done");
        try (Stream<Path> files = Files.list(serverLog().getParent())) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".busy"));
        }
        Matcher m = Pattern.compile("(?m)^run (\\d{8}-\\d{6}-[0-9a-f]{6}):").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        Process images = new ProcessBuilder("docker", "images", "--format", "{{.Repository}}:{{.Tag}}").redirectErrorStream(true).start();
        String local = new String(images.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        images.waitFor();
        assertThat(local).as("the run's temporary tags in the local image store").doesNotContain("multiarch-tmp-" + m.group(1));
    }

    @Test
    void shouldServeTwoBuildsStartedTogetherEachWithItsOwnOutputAndExitCode() throws Exception {
        // Given two different builds, started together from the same directory and environment
        Path context = Files.createDirectories(work.resolve("two"));
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\nARG TARGETARCH\nARG WHICH\nRUN echo $WHICH-$TARGETARCH > /which\n");
        List<Process> runs = new ArrayList<>();
        for (String which : List.of("first", "second")) {
            runs.add(wrapper(work.resolve(which + ".log"), "build", context.toString(), "--image",
                    REGISTRY + "/it/server-" + which + "-" + RUN, "--tag", "v1", "--platforms", "linux/amd64,linux/arm64",
                    "--build-arg", "WHICH=" + which, "--report", work.resolve("report-" + which).toString()));
        }

        // When both end
        for (Process p : runs) {
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        }

        // Then each published its own image, printed its own run, and the one server served both
        for (String which : List.of("first", "second")) {
            String output = Files.readString(work.resolve(which + ".log"));
            assertThat(runs.get(which.equals("first") ? 0 : 1).exitValue()).as(output).isZero();
            assertThat(output).contains("it/server-" + which + "-" + RUN).doesNotContain("it/server-"
                    + (which.equals("first") ? "second" : "first") + "-" + RUN);
            assertThat(new RegistryClient(REGISTRY).digest("it/server-" + which + "-" + RUN, "v1")).isPresent();
        }
        for (int i = 0; i < 100 && !Files.readString(serverLog()).contains("run 2 served"); i++) {
            Thread.sleep(200);
        }
        assertThat(Files.readString(serverLog())).contains("run 1 served: exit 0").contains("run 2 served: exit 0");
    }

    @Test
    void shouldStopAServedBuildOnSigtermToTheWrapperAndPublishNothing() throws Exception {
        stopServed("it/server-term-" + RUN, p -> p.destroy(), "SIGTERM", 143);
    }

    @Test
    void shouldStopAServedBuildWhoseClientWasKilled() throws Exception {
        stopServed("it/server-kill-" + RUN, p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // the client JVM, as kill -9 would
            p.destroyForcibly();
        }, "SIGHUP", -1);
    }

    @Test
    void shouldStopAServedBuildOnCtrlCToTheWrappersGroupAndPublishNothing() throws Exception {
        // a process started with SIGINT ignored (a background job of a shell script) keeps it ignored
        String status = Files.readString(Path.of("/proc/self/status"));
        String ignored = status.substring(status.indexOf("SigIgn:") + 7).strip().split("\\s+")[0];
        org.assertj.core.api.Assumptions.assumeThat(Long.parseLong(ignored, 16) & 2L).as("SIGINT ignored here").isZero();
        stopServed("it/server-int-" + RUN, true, p -> {
            try {
                // the terminal's Ctrl-C: SIGINT to the foreground group, the wrapper's (setsid made it the leader of
                // its own); the client is in a group of its own (the wrapper's job control) and gets it from the
                // wrapper's trap. Only to that group: checked first, and "--" before it, without which procps' kill
                // reads "-PGID" as an option
                String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                String pgid = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2];
                assertThat(pgid).as("the wrapper leads its own process group").isEqualTo(String.valueOf(p.pid()));
                Process kill = new ProcessBuilder("kill", "-s", "INT", "--", "-" + pgid).inheritIO().start();
                assertThat(kill.waitFor()).isZero();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, "SIGINT", 130);
    }

    private void stopServed(String repo, java.util.function.Consumer<ProcessHandle> stop, String interrupted, int expectedExit)
            throws Exception {
        stopServed(repo, false, stop, interrupted, expectedExit);
    }

    private void stopServed(String repo, boolean ownGroup, java.util.function.Consumer<ProcessHandle> stop, String interrupted,
                            int expectedExit) throws Exception {
        Path log = work.resolve("served.log");
        Path report = work.resolve("report-" + interrupted);
        Process p = wrapper(log, ownGroup, "build", work.toString(), "--image", REGISTRY + "/" + repo, "--tag", "v1",
                "--platforms", "linux/amd64", "--report", report.toString());
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!Files.readString(log).contains("build-started-") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String output = Files.readString(log);
        assertThat(output).as("the build started").contains("build-started-amd64");
        Matcher m = Pattern.compile("(?m)^run (\\d{8}-\\d{6}-[0-9a-f]{6}):").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        String runId = m.group(1);
        assertThat(CliProcess.processesMentioning(runId)).as("the build runs").isNotEmpty();

        stop.accept(p.toHandle());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();

        if (expectedExit >= 0) {
            assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(expectedExit);
        }
        // the server ran it (its log says so) and stopped it with the client's signal, or a hang-up for a client gone
        for (int i = 0; i < 100 && !Files.readString(serverLog()).contains("run 1 served"); i++) {
            Thread.sleep(200);
        }
        assertThat(Files.readString(serverLog())).contains("run 1 served: exit " + (128 + Signals.NUMBERS.get(interrupted.substring(3))));
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertThat(json.path("interrupted").asText()).isEqualTo(interrupted);
        assertThat(json.path("published").asBoolean()).isFalse();
        assertThat(new RegistryClient(REGISTRY).digest(repo, "v1")).isEmpty();
        List<String> left = List.of();
        for (int i = 0; i < 50; i++) {
            left = new ArrayList<>(CliProcess.processesMentioning(runId));
            left.addAll(CliProcess.containersOf(runId));
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(left).as("processes and containers of run %s", runId).isEmpty();
    }

    private boolean serverLogSays(String text) throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("multiarch").resolve("servers"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                if (Files.readString(f).contains(text)) {
                    return true;
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        return false;
    }

    private Path serverLog() throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("multiarch").resolve("servers"))) {
            return files.filter(f -> f.toString().endsWith(".log")).findFirst().orElseThrow();
        }
    }

    private Process wrapper(Path log, String... args) throws IOException {
        return wrapper(log, false, args);
    }

    /** {@code bin/multiarch ARGS}; with {@code ownGroup}, as a terminal's foreground job (setsid): Ctrl-C reaches the group. */
    private Process wrapper(Path log, boolean ownGroup, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (ownGroup) {
            command.add("setsid");
        }
        command.add(ROOT.resolve("bin/multiarch").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.remove("MULTIARCH_JAR");
        env.remove("MULTIARCH_CDS");
        env.remove("MULTIARCH_SERVER");
        env.remove("XDG_RUNTIME_DIR");
        env.put("XDG_CACHE_HOME", cache.toString());
        return pb.start();
    }
}
