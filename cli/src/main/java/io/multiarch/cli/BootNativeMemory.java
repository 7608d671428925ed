package io.multiarch.cli;

import io.multiarch.docker.ToolchainProbe;
import io.multiarch.platform.Platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The native measurements of the local daemon's machine, kept until that kernel boots again: which platforms a
 * kernel runs natively is fixed while it runs (emulators registered later make a foreign platform runnable, never
 * native), so a measurement taken once per boot holds for every later run. Kept only for a daemon on this kernel
 * (the kernel version docker reports is this JVM's, and {@code /proc/sys/kernel/random/boot_id} names the boot), in
 * {@code ${XDG_CACHE_HOME:-~/.cache}/multiarch}, one small file per daemon, boot and platform. A daemon elsewhere is
 * measured every run.
 */
final class BootNativeMemory implements ToolchainProbe.NativeMemory {
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private final Path dir;
    private final String bootId;
    private final String kernelVersion;

    BootNativeMemory(Path dir, String bootId, String kernelVersion) {
        this.dir = dir;
        this.bootId = bootId;
        this.kernelVersion = kernelVersion;
    }

    /** The memory of this machine, or {@link ToolchainProbe.NativeMemory#NONE} when the daemon may be elsewhere or nothing can be kept. */
    static ToolchainProbe.NativeMemory forLocalDaemon(java.util.Map<String, String> env) {
        String host = env.getOrDefault("DOCKER_HOST", "");
        if (!host.isEmpty() && !host.startsWith("unix://") || !env.getOrDefault("DOCKER_CONTEXT", "").isEmpty()) {
            return NONE;
        }
        try {
            String boot = Files.readString(BOOT_ID).strip();
            String cache = env.getOrDefault("XDG_CACHE_HOME", "");
            Path dir = (cache.isEmpty() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(cache)).resolve("multiarch");
            return boot.isEmpty() ? NONE : new BootNativeMemory(dir, boot, System.getProperty("os.version"));
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    private Optional<Path> file(Key key, Platform platform) {
        if (!key.kernelVersion().equals(kernelVersion)) {
            return Optional.empty(); // another kernel: not this machine's daemon
        }
        String text = String.join("\n", bootId, key.daemonId(), key.kernelVersion(), key.serverArch(), key.kernelMachine(),
                platform.toString());
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Optional.of(dir.resolve("native-" + HexFormat.of().formatHex(d, 0, 12)));
        } catch (NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Set<Platform>> recall(Key key, Platform platform) {
        Optional<Path> file = file(key, platform);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            String v = Files.readString(file.get()).strip();
            return v.equals("native") ? Optional.of(Set.of(platform)) : v.equals("emulated") ? Optional.of(Set.of()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void remember(Key key, Platform platform, boolean nativePlatform) {
        Optional<Path> file = file(key, platform);
        if (file.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "native-", ".tmp");
            Files.writeString(tmp, nativePlatform ? "native\n" : "emulated\n");
            Files.move(tmp, file.get(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // nothing kept: the next run measures again
        }
    }
}
