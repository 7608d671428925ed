package io.multiarch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A docker daemon of the test's own (own socket, data root, exec root, containerd namespace and bridge), so
 * that the test may kill it: the toolchain's daemons are shared and never stopped. Uses the machine's containerd
 * and the local registry as mirror, like {@code scripts/toolchain.sh second-start}. It gets a bridge of its own:
 * a dockerd started with {@code --bridge none} deletes the default {@code docker0}, which the shared daemon uses.
 * Its data root and bridge are removed when closed.
 */
final class OwnDockerd implements AutoCloseable {
    private final String name = "multiarch-faults-" + HexFormat.of().formatHex(randomBytes());
    private final Path run = Path.of("/run", name);
    private final Path data = Path.of("/var/lib", name);
    private final String bridge = "mfault" + name.substring(name.length() - 6);
    private final Process process;

    OwnDockerd(Path work) throws IOException, InterruptedException {
        Files.createDirectories(run);
        int subnet = 1 + ThreadLocalRandom.current().nextInt(200);
        ip("link", "add", bridge, "type", "bridge");
        ip("addr", "add", "172.30." + subnet + ".1/24", "dev", bridge);
        ip("link", "set", bridge, "up");
        Path config = work.resolve(name + ".json");
        Files.writeString(config, "{\"features\":{\"containerd-snapshotter\":true},\"registry-mirrors\":[\"http://127.0.0.1:5000\"]}");
        process = new ProcessBuilder("dockerd", "--host", host(), "--data-root", data.toString(), "--exec-root",
                run.resolve("exec").toString(), "--pidfile", run.resolve("docker.pid").toString(), "--config-file",
                config.toString(), "--containerd", "/run/containerd/containerd.sock", "--containerd-namespace", name,
                "--containerd-plugins-namespace", name + "-plugins", "--bridge", bridge, "--iptables=false", "--ip-masq=false")
                .redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
        for (int i = 0; i < 300; i++) {
            Process info = new ProcessBuilder("docker", "-H", host(), "info").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (info.waitFor() == 0) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        close();
        throw new IOException("dockerd " + name + " did not start: " + Files.readString(work.resolve(name + ".log")));
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** Its DOCKER_HOST. */
    String host() {
        return "unix://" + run.resolve("docker.sock");
    }

    /** SIGKILL, as a crash or an OOM kill would end it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
        try {
            // a killed dockerd leaves its data root bind-mounted on itself with BuildKit's mounts inside (the
            // lazy recursive unmount also detaches those a RUN step still uses), and its content in containerd
            new ProcessBuilder("umount", "-R", "-l", data.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            new ProcessBuilder("rm", "-rf", "--one-file-system", data.toString(), run.toString()).inheritIO().start().waitFor();
            ip("link", "delete", bridge);
            for (String ns : java.util.List.of(name, name + "_history")) {
                ctr(ns, "leases", "ls", "-q").forEach(l -> ctr(ns, "leases", "rm", l));
                ctr(ns, "content", "ls", "-q").forEach(c -> ctr(ns, "content", "rm", c));
                ctr(ns, "snapshots", "ls").stream().skip(1).map(l -> l.split("\\s+")[0]).forEach(sn -> ctr(ns, "snapshots", "rm", sn));
                new ProcessBuilder("ctr", "namespaces", "rm", ns).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
        } catch (IOException e) {
            // best effort: what is left is named after this daemon
        }
    }

    /** {@code ctr -n NS ARGS}: its output lines, or none when it fails. */
    private static java.util.List<String> ctr(String ns, String... args) {
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("ctr", "-n", ns));
        argv.addAll(java.util.List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out.lines().filter(l -> !l.isBlank()).toList() : java.util.List.of();
        } catch (IOException e) {
            return java.util.List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.List.of();
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("ip"));
        argv.addAll(java.util.List.of(args));
        int exit = new ProcessBuilder(argv).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IOException(String.join(" ", argv) + " exited with " + exit);
        }
    }
}
