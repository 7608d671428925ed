package io.multiarch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI as a user starts it, {@code java -jar multiarch.jar …}, as a process of its own: so that a test can send it
 * signals, look at what it leaves running and measure its memory. The jar is {@code target/multiarch.jar}, or the
 * one named by the system property {@code multiarch.jar} (to run the fault suite against an older build).
 */
final class CliProcess {
    static final Path JAR = Path.of(System.getProperty("multiarch.jar", "target/multiarch.jar")).toAbsolutePath();

    final Process process;
    final Path log;
    final Path reportDir;
    private volatile long peakRssKb;

    private CliProcess(Process process, Path log, Path reportDir) {
        this.process = process;
        this.log = log;
        this.reportDir = reportDir;
        Thread watch = new Thread(() -> {
            while (process.isAlive()) {
                peakRssKb = Math.max(peakRssKb, status("VmHWM"));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cli-memory");
        watch.setDaemon(true);
        watch.start();
    }

    /**
     * Starts {@code multiarch build ARGS --report DIR}, in a process group of its own when {@code ownGroup} (as a
     * terminal's foreground job: Ctrl-C then reaches the group).
     */
    static CliProcess build(Path work, boolean ownGroup, String... args) throws IOException {
        return build(work, java.util.Map.of(), ownGroup, args);
    }

    /** {@link #build(Path, boolean, String...)} with these variables added to its environment. */
    static CliProcess build(Path work, java.util.Map<String, String> env, boolean ownGroup, String... args) throws IOException {
        Files.createDirectories(work);
        Path reportDir = work.resolve("report");
        List<String> argv = new ArrayList<>();
        if (ownGroup) {
            argv.add("setsid");
        }
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "build"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--report", reportDir.toString()));
        Path log = work.resolve("cli.log");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        return new CliProcess(p, log, reportDir);
    }

    long pid() {
        return process.pid();
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits until the output holds {@code text}; false if the process ended or the time ran out first. */
    boolean awaitOutput(String text, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (output().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return output().contains(text);
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** The exit code, or -1 (and the process killed) when it did not end in time. */
    int waitFor(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            return -1;
        }
        return process.exitValue();
    }

    /** Sends a signal to the CLI's process only (what a CI system's abort sends: {@code kill -TERM PID}). */
    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start().waitFor();
    }

    /** Sends a signal to the CLI's whole process group, as a terminal's Ctrl-C does (needs {@code ownGroup}). */
    void signalGroup(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, "--", "-" + pid()).inheritIO().start().waitFor();
    }

    /** The run id the CLI printed ({@code run 20261201-120000-a1b2c3: …}). */
    String runId() throws IOException {
        Matcher m = Pattern.compile("(?m)^run (\\d{8}-\\d{6}-[0-9a-f]{6}):").matcher(output());
        if (!m.find()) {
            throw new AssertionError("no run id in the output:\n" + output());
        }
        return m.group(1);
    }

    JsonNode report() throws IOException {
        return new ObjectMapper().readTree(Files.readString(reportDir.resolve("report.json"), StandardCharsets.UTF_8));
    }

    boolean hasReport() {
        return Files.exists(reportDir.resolve("report.json"));
    }

    /** The CLI's peak resident memory (VmHWM) as last seen while it ran, in KiB. */
    long peakRssKb() {
        return peakRssKb;
    }

    private long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended
        }
        return 0;
    }

    /** The command lines of every process of this machine that mention {@code text}, this test's own aside. */
    static List<String> processesMentioning(String text) throws IOException {
        List<String> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                if (Long.parseLong(d.getFileName().toString()) == self) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (cmd.contains(text)) {
                        found.add(d.getFileName() + " " + cmd.strip());
                    }
                } catch (IOException e) {
                    // ended meanwhile
                }
            }
        }
        return found;
    }

    /** Names of the containers (running or not) of the default daemon whose name or labels mention the run. */
    static List<String> containersOf(String runId) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("docker", "ps", "-a", "--format", "{{.Names}} {{.Labels}}").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return text.lines().filter(l -> l.contains(runId)).toList();
    }
}
