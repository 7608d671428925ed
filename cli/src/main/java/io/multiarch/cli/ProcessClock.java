package io.multiarch.cli;

import io.multiarch.timeline.Timeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/** The run's clock starts with the process: the JVM's own start is the timeline's first phase. */
final class ProcessClock {

    private ProcessClock() {
    }

    /**
     * A timeline whose origin is the start of the process the user started (the JVM's start is its first phase): this
     * one, or the client of a run served by the resident server.
     */
    static Timeline timeline(Launch launch) {
        long now = System.nanoTime();
        Timeline timeline = new Timeline(launch.originNanos());
        timeline.add("jvm start (process start to main)", launch.originNanos(), Math.min(launch.mainNanos(), now));
        return timeline;
    }

    /** When this process started, on {@link System#nanoTime()}'s clock. */
    static long processOriginNanos() {
        long now = System.nanoTime();
        long age = processAgeNanos().orElseGet(() -> {
            Instant started = ProcessHandle.current().info().startInstant().orElse(Instant.now());
            return Math.max(0, Duration.between(started, Instant.now()).toNanos());
        });
        return now - age;
    }

    /**
     * How long this process has run, from the kernel's own clock since boot: {@code /proc/uptime} now minus the
     * process's start in {@code /proc/self/stat} (clock ticks, 100 a second), to about 10 ms.
     * {@link ProcessHandle.Info#startInstant()} adds the boot time, which Linux gives in whole seconds: up to a second
     * off. Empty where {@code /proc} does not say.
     */
    static OptionalLong processAgeNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[19]); // field 22 of stat; fields[0] is field 3
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            long age = (long) (uptime * 1e9) - startTicks * 10_000_000L;
            return age >= 0 ? OptionalLong.of(age) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
