package io.multiarch.cli;

import io.multiarch.docker.DockerCli;
import io.multiarch.process.OutputListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Containers whose CLI process died without cleaning up (SIGKILL, a crash: no handler runs then). Every container
 * the CLI starts carries the label {@code io.multiarch.owner=HOST/PID/START} naming its process; at its start, each
 * run removes the containers of owners on this host that are no longer running. A container whose owner lives, or
 * runs on another host, is never touched.
 */
final class Orphans {
    static final String LABEL = "io.multiarch.owner";

    private Orphans() {
    }

    /** This process as an owner: host name, pid and start time in milliseconds. */
    static String self() {
        ProcessHandle me = ProcessHandle.current();
        return host() + "/" + me.pid() + "/" + me.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    }

    /** The labels every container of this process carries. */
    static Map<String, String> labels() {
        return Map.of(LABEL, self());
    }

    /** Removes the containers of dead owners of this host on one daemon; returns how many. Never throws. */
    static int remove(DockerCli docker, OutputListener out) {
        try {
            String listing = docker.query(docker.command("ps", "-a", "--filter", "label=" + LABEL,
                    "--format", "{{.ID}} {{.Label \"" + LABEL + "\"}}").withTimeout(Duration.ofSeconds(30)));
            List<String> dead = new ArrayList<>();
            for (String line : listing.split("\n")) {
                String[] parts = line.strip().split(" ", 2);
                if (parts.length == 2 && orphaned(parts[1])) {
                    dead.add(parts[0]);
                }
            }
            if (dead.isEmpty()) {
                return 0;
            }
            List<String> args = new ArrayList<>(List.of("rm", "-f"));
            args.addAll(dead);
            docker.query(docker.command(args).withTimeout(Duration.ofSeconds(60)));
            out.line("removed " + dead.size() + " container(s) left by multiarch runs whose process had died: "
                    + String.join(", ", dead), false);
            return dead.size();
        } catch (IOException e) {
            out.line("could not look for containers left by dead multiarch runs: " + e.getMessage(), true);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Whether an owner label names a process of this host that is not running (any more). */
    static boolean orphaned(String owner) {
        String[] parts = owner.split("/");
        if (parts.length != 3 || !parts[0].equals(host())) {
            return false;
        }
        try {
            long pid = Long.parseLong(parts[1]);
            long start = Long.parseLong(parts[2]);
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            return p.isEmpty() || !p.get().isAlive()
                    || p.get().info().startInstant().map(i -> i.toEpochMilli() != start).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String host() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }
}
