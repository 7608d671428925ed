package io.multiarch.cli;

import io.multiarch.docker.Toolchain;
import io.multiarch.platform.Platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The toolchain as the last run probed it, for one docker executable and environment (the variables that choose the
 * daemon, the configuration and the builder) on one boot of this machine: what a run starts its builds with while
 * the toolchain is probed again beside them. The run publishes only if the new probe agrees
 * ({@link #sameFor}); otherwise it is stopped and run again with the toolchain as probed now. Kept in
 * {@code ${XDG_CACHE_HOME:-~/.cache}/multiarch}, as a properties file (read before anything else is loaded: no JSON
 * library on that path).
 */
final class RememberedToolchain {
    /** The variables that decide which daemon, configuration and builder the docker CLI and buildx use. */
    static final List<String> ENVIRONMENT = List.of("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_TLS_VERIFY",
            "DOCKER_CERT_PATH", "BUILDX_BUILDER", "BUILDX_CONFIG", "HOME");

    private final Path file;

    RememberedToolchain(Path file) {
        this.file = file;
    }

    /** The temporary tags' names left in this docker environment's image store, listed next to this memory. */
    LocalNames localNames() {
        String name = file.getFileName().toString();
        return new LocalNames(file.resolveSibling("local-names-" + name.substring(name.indexOf('-') + 1).replace(".properties", ".txt")));
    }

    /** The memory for this docker executable and environment on this boot, if there is a place to keep it. */
    static Optional<RememberedToolchain> of(String dockerExecutable, Map<String, String> env, String bootId) {
        if (bootId.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder key = new StringBuilder(bootId).append('\n').append(dockerExecutable);
        for (String name : ENVIRONMENT) {
            key.append('\n').append(name).append('=').append(env.getOrDefault(name, ""));
        }
        String cache = env.getOrDefault("XDG_CACHE_HOME", "");
        Path dir = (cache.isEmpty() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(cache)).resolve("multiarch");
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return Optional.of(new RememberedToolchain(dir.resolve("toolchain-" + HexFormat.of().formatHex(d, 0, 12) + ".properties")));
        } catch (NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    /** This machine's boot id, or empty. */
    static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * The toolchain as last probed, when its native measurements cover every platform of {@code platforms} that might
     * run natively there; empty otherwise (nothing kept, or a platform whose measurement it lacks).
     */
    Optional<Toolchain> recall(Collection<Platform> platforms) {
        Optional<Kept> kept = read();
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        Toolchain t = kept.get().toolchain();
        for (Platform p : Toolchain.nativeCandidates(t.serverArchitecture())) {
            if (platforms.contains(p) && !kept.get().measured().contains(p)) {
                return Optional.empty();
            }
        }
        return t.builder().isEmpty() || t.driver().isEmpty() ? Optional.empty() : Optional.of(t);
    }

    /** What the file holds: the toolchain, and the platforms whose native measurement it has. */
    private record Kept(Toolchain toolchain, Set<Platform> measured) {
    }

    private Optional<Kept> read() {
        try (java.io.Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            java.util.Properties n = new java.util.Properties();
            n.load(in);
            Toolchain t = new Toolchain(n.getProperty("clientVersion", ""), n.getProperty("serverVersion", ""),
                    n.getProperty("buildxVersion", ""), n.getProperty("builder", ""), n.getProperty("driver", ""),
                    n.getProperty("serverArchitecture", ""), platforms(n.getProperty("nativePlatforms", "")),
                    Boolean.parseBoolean(n.getProperty("containerdStore")), Boolean.parseBoolean(n.getProperty("pushByDigest")),
                    n.getProperty("buildxPath", ""));
            return Optional.of(new Kept(t, platforms(n.getProperty("measured", ""))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Set<Platform> platforms(String list) {
        Set<Platform> set = new HashSet<>();
        for (String p : list.split(",")) {
            if (!p.isBlank()) {
                set.add(Platform.parse(p.strip()));
            }
        }
        return set;
    }

    /** Keeps a toolchain just probed for {@code platforms} (which of them it measured). Never throws. */
    void remember(Toolchain probed, Collection<Platform> platforms) {
        try {
            Set<Platform> measured = new java.util.TreeSet<>();
            Toolchain.nativeCandidates(probed.serverArchitecture()).stream().filter(platforms::contains).forEach(measured::add);
            Set<Platform> nativePlatforms = new HashSet<>(probed.nativePlatforms());
            // measurements of other platforms kept by earlier runs of the same toolchain stay (a run of 3 platforms
            // does not make the next run of 10 probe first again)
            Optional<Kept> before = read();
            if (before.isPresent() && sameFor(before.get().toolchain(), probed, List.of())) {
                for (Platform p : before.get().measured()) {
                    if (measured.add(p) && before.get().toolchain().nativePlatforms().contains(p)) {
                        nativePlatforms.add(p);
                    }
                }
            }
            Toolchain t = new Toolchain(probed.clientVersion(), probed.serverVersion(), probed.buildxVersion(), probed.builder(),
                    probed.driver(), probed.serverArchitecture(), nativePlatforms, probed.containerdStore(), probed.pushByDigest(),
                    probed.buildxPath());
            java.util.Properties n = new java.util.Properties();
            n.setProperty("clientVersion", t.clientVersion());
            n.setProperty("serverVersion", t.serverVersion());
            n.setProperty("buildxVersion", t.buildxVersion());
            n.setProperty("builder", t.builder());
            n.setProperty("driver", t.driver());
            n.setProperty("serverArchitecture", t.serverArchitecture());
            n.setProperty("nativePlatforms", String.join(",", t.nativePlatforms().stream().map(Platform::toString).sorted().toList()));
            n.setProperty("measured", String.join(",", measured.stream().map(Platform::toString).toList()));
            n.setProperty("containerdStore", String.valueOf(t.containerdStore()));
            n.setProperty("pushByDigest", String.valueOf(t.pushByDigest()));
            n.setProperty("buildxPath", t.buildxPath());
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "toolchain-", ".tmp");
            try (java.io.Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                n.store(w, "the toolchain as multiarch last probed it");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // nothing kept: the next run probes before it builds
        }
    }

    /** Forgets what was kept (a run found it wrong). */
    void forget() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the next run finds it wrong again
        }
    }

    /**
     * Whether a run planned on {@code used} did what it would have done on {@code probed}: every field the same,
     * and the same native platforms among {@code platforms}.
     */
    static boolean sameFor(Toolchain used, Toolchain probed, Collection<Platform> platforms) {
        Set<Platform> a = new HashSet<>(used.nativePlatforms());
        Set<Platform> b = new HashSet<>(probed.nativePlatforms());
        a.retainAll(platforms);
        b.retainAll(platforms);
        return a.equals(b) && used.clientVersion().equals(probed.clientVersion())
                && used.serverVersion().equals(probed.serverVersion()) && used.buildxVersion().equals(probed.buildxVersion())
                && used.builder().equals(probed.builder()) && used.driver().equals(probed.driver())
                && used.serverArchitecture().equals(probed.serverArchitecture())
                && used.containerdStore() == probed.containerdStore() && used.pushByDigest() == probed.pushByDigest()
                && used.buildxPath().equals(probed.buildxPath());
    }
}
