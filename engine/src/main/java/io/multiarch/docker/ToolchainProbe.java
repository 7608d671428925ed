package io.multiarch.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.multiarch.platform.Platform;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Finds out what a docker endpoint offers ({@link Toolchain}): {@code docker version} and {@code docker info} as
 * JSON (buildx's version from the CLI plugins {@code docker info} lists, else from {@code docker buildx version}), the
 * current builder from {@code docker buildx inspect}, and which platforms
 * its machine runs natively, measured by running a tiny program of each candidate platform there
 * ({@link NativeProbe}), never assumed.
 */
public final class ToolchainProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ToolchainProbe() {
    }

    /** The toolchain, with every platform that might run natively on the daemon's machine measured. */
    public static Toolchain probe(DockerCli docker) throws IOException, InterruptedException {
        return probe(docker, Platform.SUPPORTED);
    }

    /**
     * Where the native measurements of a machine are kept between runs, for as long as they hold: which platforms a
     * kernel runs natively does not change until it boots again. {@code key} names the daemon (its id, kernel and
     * architecture); the store decides whether it can vouch for it (the CLI keeps measurements only for a daemon on
     * its own kernel, keyed by that kernel's boot id).
     */
    public interface NativeMemory {
        /** What nothing is remembered in. */
        NativeMemory NONE = new NativeMemory() {
            @Override
            public Optional<Set<Platform>> recall(Key key, Platform platform) {
                return Optional.empty();
            }

            @Override
            public void remember(Key key, Platform platform, boolean nativePlatform) {
            }
        };

        /** The daemon a measurement is of. */
        record Key(String daemonId, String kernelVersion, String serverArch, String kernelMachine) {
        }

        /** The measurement of {@code platform} on that daemon: a set holding it when native, empty when not; empty Optional when unknown. */
        Optional<Set<Platform>> recall(Key key, Platform platform);

        void remember(Key key, Platform platform, boolean nativePlatform);
    }

    /**
     * The toolchain, measuring only those of {@code platforms} that might run natively there (the others are
     * emulated whatever is measured): a run that builds none of them starts no probe container.
     */
    public static Toolchain probe(DockerCli docker, Collection<Platform> platforms) throws IOException, InterruptedException {
        return probe(docker, platforms, NativeMemory.NONE);
    }

    /**
     * {@link #probe(DockerCli, Collection)}, taking a native measurement from {@code memory} when it has one for this
     * daemon, and keeping every new one there.
     */
    public static Toolchain probe(DockerCli docker, Collection<Platform> platforms, NativeMemory memory)
            throws IOException, InterruptedException {
        return probe(docker, platforms, memory, Optional.empty());
    }

    /**
     * The toolchain probed again beside a build that started on {@code assumed}, without asking buildx for its current
     * builder: {@code docker buildx inspect} is the probe's costliest question (two processes and the daemon's builder,
     * while the build needs the CPU), and the builds answer it themselves, each naming the builder it ran on
     * ({@code #0 building with "default" instance using docker driver}), which the engine checks against the
     * toolchain's. The builder and driver are therefore {@code assumed}'s; everything else is probed as by
     * {@link #probe(DockerCli, Collection, NativeMemory)}.
     */
    public static Toolchain recheck(DockerCli docker, Collection<Platform> platforms, NativeMemory memory, Toolchain assumed)
            throws IOException, InterruptedException {
        return probe(docker, platforms, memory, Optional.of(new Builder(assumed.builder(), assumed.driver())));
    }

    private static Toolchain probe(DockerCli docker, Collection<Platform> platforms, NativeMemory memory, Optional<Builder> knownBuilder)
            throws IOException, InterruptedException {
        // independent queries: run at once, each docker call costs a process start and a daemon round trip
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "multiarch-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<String> versionJson = pool.submit(() -> docker.query(TIMEOUT, "version", "--format", "{{json .}}"));
            Future<String> infoJson = pool.submit(() -> docker.query(TIMEOUT, "info", "--format", "{{json .}}"));
            Future<String> buildxInspect = knownBuilder.isPresent() ? null : pool.submit(() -> docker.query(TIMEOUT, "buildx", "inspect"));
            Version version = parseVersion(get(versionJson));
            if (version.server() == null) {
                throw new DockerException("the docker daemon did not answer 'docker version'");
            }
            Info info = parseInfo(get(infoJson));
            // docker info lists the CLI plugins with their versions (a process of each ran for it): a process fewer
            Future<String> buildxVersion = info.buildxPluginVersion()
                    .map(v -> (Future<String>) java.util.concurrent.CompletableFuture.completedFuture("github.com/docker/buildx " + v))
                    .orElseGet(() -> pool.submit(() -> docker.query(TIMEOUT, "buildx", "version")));
            String machine = info.architecture() == null ? "" : info.architecture();
            NativeProbe probe = new NativeProbe(docker, version.server().arch(), machine);
            NativeMemory.Key key = new NativeMemory.Key(String.valueOf(info.id()), String.valueOf(info.kernelVersion()),
                    String.valueOf(version.server().arch()), machine);
            List<Future<NativeProbe.Measurement>> measured = new ArrayList<>();
            Set<Platform> nativePlatforms = new HashSet<>();
            for (Platform p : Toolchain.nativeCandidates(version.server().arch())) {
                if (platforms.contains(p)) {
                    Optional<Set<Platform>> known = info.id() == null ? Optional.empty() : memory.recall(key, p);
                    if (known.isPresent()) {
                        nativePlatforms.addAll(known.get());
                    } else {
                        measured.add(pool.submit(() -> probe.measure(p)));
                    }
                }
            }
            for (Future<NativeProbe.Measurement> m : measured) {
                NativeProbe.Measurement result = get(m);
                if (result.nativePlatform()) {
                    nativePlatforms.add(result.platform());
                }
                if (info.id() != null && result.failure().isEmpty()) {
                    memory.remember(key, result.platform(), result.nativePlatform());
                }
            }
            return toolchain(version, info, buildxVersion, buildxInspect, knownBuilder, nativePlatforms);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The answer of one query, its failure rethrown as the query threw it. */
    private static <T> T get(Future<T> answer) throws IOException, InterruptedException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static Toolchain toolchain(Version version, Info info, Future<String> buildxVersion, Future<String> buildxInspect,
                                       Optional<Builder> knownBuilder, Set<Platform> nativePlatforms)
            throws IOException, InterruptedException {
        String buildx;
        Builder builder;
        try {
            buildx = parseBuildxVersion(get(buildxVersion));
            builder = knownBuilder.isPresent() ? knownBuilder.get() : parseInspect(get(buildxInspect));
        } catch (IllegalArgumentException e) {
            throw new DockerException("buildx is not usable: " + e.getMessage());
        }
        if (!atLeast(buildx, 0, 10)) {
            throw new DockerException("buildx " + buildx + " is too old: 0.10 or later is needed (--provenance, "
                    + "imagetools create --dry-run)");
        }
        return new Toolchain(version.client().version(), version.server().version(), buildx, builder.name(),
                builder.driver(), version.server().arch(), nativePlatforms, info.containerdStore(),
                !"docker".equals(builder.driver()), info.buildxPluginPath());
    }

    /** Whether a version such as {@code 0.13.1+ds1} is at least {@code major.minor}; unparsable versions pass. */
    static boolean atLeast(String version, int major, int minor) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(version);
        if (!m.lookingAt()) {
            return true;
        }
        int ma = Integer.parseInt(m.group(1));
        int mi = Integer.parseInt(m.group(2));
        return ma > major || ma == major && mi >= minor;
    }

    /** {@code github.com/docker/buildx 0.13.1 <commit>}: the second word, the version. */
    static String parseBuildxVersion(String text) {
        String[] words = text.strip().split("\\s+");
        if (words.length < 2 || !words[0].endsWith("buildx")) {
            throw new IllegalArgumentException("not the output of 'docker buildx version': " + text.strip());
        }
        return words[1].startsWith("v") ? words[1].substring(1) : words[1];
    }

    /** The builder's name and driver from {@code docker buildx inspect}, which has no JSON form in buildx 0.13. */
    static Builder parseInspect(String text) {
        String name = null;
        String driver = null;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("Name") && name == null) {
                name = value;
            } else if (key.equals("Driver") && driver == null) {
                driver = value;
            }
        }
        if (name == null || driver == null) {
            throw new IllegalArgumentException("'docker buildx inspect' named no builder or driver:\n" + text.strip());
        }
        return new Builder(name, driver);
    }

    record Builder(String name, String driver) {
    }

    /** {@code docker version --format '{{json .}}'}, read from its tree (see {@link Json}): {@code null} for {@code null}. */
    static Version parseVersion(String json) throws JsonProcessingException {
        return Json.read(json, Version.class, node -> {
            Json.Fields f = Json.fields(node, Version.class);
            return new Version(f.object("Client", ToolchainProbe::part), f.object("Server", ToolchainProbe::part));
        });
    }

    private static Part part(JsonNode node) throws JsonMappingException {
        Json.Fields f = Json.fields(node, Part.class);
        return new Part(f.text("Version"), f.text("Os"), f.text("Arch"));
    }

    /** {@code docker info --format '{{json .}}'}, read from its tree (see {@link Json}): {@code null} for {@code null}. */
    static Info parseInfo(String json) throws JsonProcessingException {
        return Json.read(json, Info.class, node -> {
            Json.Fields f = Json.fields(node, Info.class);
            return new Info(f.text("Architecture"), f.list("DriverStatus", kv -> Json.list(kv, Json::text)),
                    f.text("ID"), f.text("KernelVersion"), f.object("ClientInfo", ci -> new ClientInfo(
                            Json.fields(ci, ClientInfo.class).list("Plugins", p -> {
                                Json.Fields pf = Json.fields(p, CliPlugin.class);
                                return new CliPlugin(pf.text("Name"), pf.text("Version"), pf.text("Err"), pf.text("Path"));
                            }))));
        });
    }

    record ClientInfo(List<CliPlugin> plugins) {
    }

    record CliPlugin(String name, String version, String err, String path) {
    }

    record Version(Part client, Part server) {
    }

    record Part(String version, String os, String arch) {
    }

    record Info(String architecture, List<List<String>> driverStatus, String id, String kernelVersion, ClientInfo clientInfo) {

        /** The version of the buildx CLI plugin as {@code docker info} lists it; empty when not listed or broken. */
        Optional<String> buildxPluginVersion() {
            return buildxPlugin().map(CliPlugin::version).filter(v -> v != null && !v.isBlank());
        }

        /** The executable of the buildx CLI plugin the docker CLI runs, as {@code docker info} lists it; {@code ""} if not. */
        String buildxPluginPath() {
            return buildxPlugin().map(CliPlugin::path).filter(v -> v != null && v.startsWith("/")).orElse("");
        }

        private Optional<CliPlugin> buildxPlugin() {
            if (clientInfo == null || clientInfo.plugins() == null) {
                return Optional.empty();
            }
            return clientInfo.plugins().stream()
                    .filter(p -> "buildx".equals(p.name()) && (p.err() == null || p.err().isEmpty()))
                    .findFirst();
        }

        boolean containerdStore() {
            return driverStatus != null && driverStatus.stream()
                    .anyMatch(kv -> kv.size() == 2 && kv.get(1).startsWith("io.containerd.snapshotter"));
        }
    }
}
