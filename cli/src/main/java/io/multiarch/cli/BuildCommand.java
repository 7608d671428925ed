package io.multiarch.cli;

import io.multiarch.binfmt.BinfmtTable;
import io.multiarch.build.AgentContext;
import io.multiarch.build.MatrixBuild;
import io.multiarch.build.MultiArchBuild;
import io.multiarch.docker.DockerCli;
import io.multiarch.docker.Toolchain;
import io.multiarch.docker.ToolchainProbe;
import io.multiarch.plan.PlatformTask;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.process.Command;
import io.multiarch.process.LocalCommandRunner;
import io.multiarch.process.LocalFileAccess;
import io.multiarch.process.OutputListener;
import io.multiarch.publish.Publisher;
import io.multiarch.registry.FallbackRegistry;
import io.multiarch.registry.HttpRegistry;
import io.multiarch.registry.ImagetoolsRegistry;
import io.multiarch.registry.Registry;
import io.multiarch.timeline.Timeline;
import io.multiarch.report.ConsoleTable;
import io.multiarch.report.ReportFiles;
import io.multiarch.report.ReportWriter;
import io.multiarch.report.TimelineTable;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.KeyValues;
import io.multiarch.request.VariantRequest;
import io.multiarch.request.RawBuildInput;
import io.multiarch.request.ValidatedInput;
import io.multiarch.request.Violation;
import io.multiarch.result.MatrixResult;
import io.multiarch.result.RunResult;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** {@code multiarch build}: one buildx build per platform, a test in each architecture, a gated publish. */
@picocli.CommandLine.Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Builds CONTEXT for every platform, runs the test inside each image in its architecture, and "
                + "publishes one image index under every tag only when every required platform passed.",
                "Exit codes: 0 published (or dry run), 1 not published, every tag as it was (a required platform failed, or the "
                        + "publish failed and moved its tags back), 2 invalid input (nothing run), 3 toolchain unusable (nothing built), "
                        + "4 the publish failed and left tags changed (see tagStates in report.json), "
                        + "128+N stopped by signal N (130 SIGINT, 143 SIGTERM): nothing published."})
final class BuildCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONTEXT", description = "The build context directory.")
    String context;

    @Option(names = "--image", required = true, paramLabel = "REPO",
            description = "Repository to publish to, without tag: registry.example.com/team/app")
    String image;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "A tag of the published index (repeatable; default: latest).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--platforms", required = true, split = ",", paramLabel = "P[,P…]",
            description = "Platforms to build, e.g. linux/amd64,linux/arm64,linux/riscv64 (aliases: x86_64, aarch64, armhf, …).")
    List<String> platforms = new ArrayList<>();

    @Option(names = "--optional-platform", paramLabel = "P", description = "A platform allowed to fail without blocking the publish (repeatable).")
    List<String> optionalPlatforms = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE", description = "Dockerfile, relative to CONTEXT (default: Dockerfile).")
    String dockerfile;

    @Option(names = "--target", paramLabel = "STAGE", description = "Build stage to build.")
    String target;

    @Option(names = "--build-arg", paramLabel = "KEY=VALUE", description = "A build argument (repeatable). Not for secrets.")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "An image label (repeatable).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--secret", paramLabel = "id=ID,src=FILE|env=VAR",
            description = "A BuildKit build secret for RUN --mount=type=secret,id=ID (repeatable): read by buildx from FILE or "
                    + "from the environment variable VAR; its value never reaches the command line, the logs, the reports or the image.")
    List<String> secrets = new ArrayList<>();

    @Option(names = "--test", paramLabel = "CMD", description = "Test run with /bin/sh -c CMD inside each per-platform image.")
    String test;

    @Option(names = "--test-exec", paramLabel = "JSON", description = "Test as an exec form, for images without a shell: '[\"/app/selftest\",\"--quick\"]'.")
    String testExec;

    @Option(names = "--size-budget", paramLabel = "[P=]SIZE",
            description = "Largest compressed image size (sum of its layers), e.g. 12MB or 1.5MiB, for every platform, or with P= for one "
                    + "(repeatable); a platform over it fails, so nothing is published.")
    List<String> sizeBudgets = new ArrayList<>();

    @Option(names = "--size-budget-warn", description = "A platform over its --size-budget only gets a warning instead of failing.")
    boolean sizeBudgetWarn;

    @Option(names = "--variant", paramLabel = "NAME=DOCKERFILE",
            description = "A variant built from its own Dockerfile (relative to CONTEXT) and published with the tag suffix -NAME, "
                    + "e.g. alpine=Dockerfile.alpine (repeatable; see --variants for more).")
    List<String> variantOptions = new ArrayList<>();

    @Option(names = "--variants", paramLabel = "FILE",
            description = "Variants as JSON: [{\"name\", \"tagSuffix\", \"dockerfile\", \"target\", \"buildArgs\", \"platforms\", "
                    + "\"optionalPlatforms\", \"sizeBudgets\"}, …]: the matrix of variants × platforms, each gated and published on its own.")
    Path variantsFile;

    @Option(names = "--all-or-nothing", description = "With variants: publish no variant unless every variant's required platforms passed.")
    boolean allOrNothing;

    @Option(names = "--fail-fast", description = "Stop the other platforms when a required platform fails.")
    boolean failFast;

    @Option(names = "--timeout", paramLabel = "MINUTES", description = "Timeout of each platform's build (default: ${DEFAULT-VALUE}).", defaultValue = "60")
    long timeoutMinutes;

    @Option(names = "--test-timeout", paramLabel = "SECONDS", description = "Timeout of each platform's test (default: ${DEFAULT-VALUE}).", defaultValue = "600")
    long testTimeoutSeconds;

    @Option(names = "--retries", paramLabel = "N", description = "Retries of a failed build on emulated platforms (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    int retries;

    @Option(names = "--provenance", description = "Attach buildx provenance attestations (default: off, see docs).")
    boolean provenance;

    @Option(names = "--sbom", description = "Attach an SBOM attestation to every image (BuildKit's --sbom; default: off).")
    boolean sbom;

    @Option(names = "--sbom-generator", paramLabel = "IMAGE",
            description = "The SBOM scanner image BuildKit runs (implies --sbom), e.g. a mirror of docker/buildkit-syft-scanner.")
    String sbomGenerator;

    @Option(names = "--concurrency", paramLabel = "N", description = "Platforms built at once (default: twice the cores, at least 2).")
    Integer concurrency;

    @Option(names = "--binfmt", paramLabel = "MODE", description = "QEMU emulators: off, verify, install (default: ${DEFAULT-VALUE}).", defaultValue = "verify")
    String binfmt;

    @Option(names = "--binfmt-installer", paramLabel = "host|IMAGE@sha256:…", description = "How --binfmt install registers missing emulators (default: ${DEFAULT-VALUE}).", defaultValue = "host")
    String binfmtInstaller;

    @Option(names = "--no-registry-cache", description = "Do not import or export the per-platform registry cache (REPO:multiarch-cache-<platform>).")
    boolean noRegistryCache;

    @Option(names = "--no-batch", description = "Build each platform in its own buildx build, at most --concurrency at once, "
            + "instead of all the platforms of a docker endpoint in one (the default; --concurrency 1 implies this).")
    boolean noBatch;

    @Option(names = "--endpoint", paramLabel = "P=HOST|CONTEXT",
            description = "Send platform P to another docker daemon: a DOCKER_HOST value (unix://, tcp://, ssh://) or a docker context name (repeatable), e.g. linux/arm64=ssh://builder@arm-host.")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--docker", paramLabel = "PATH", description = "The docker executable (default: ${DEFAULT-VALUE}).", defaultValue = "docker")
    String docker;

    @Option(names = "--report", paramLabel = "DIR", description = "Where report.json, report.html and junit/ go (default: ${DEFAULT-VALUE}).", defaultValue = "multiarch-report")
    Path reportDir;

    @Option(names = "--timeline", description = "Print when each phase of the run started and ended (JVM start, toolchain probe, "
            + "build steps, tests, publish, reports), and write it to report.json as 'timeline'.")
    boolean showTimeline;

    @Option(names = "--dry-run", description = "Print every platform's exact commands and run nothing.")
    boolean dryRun;

    @Option(names = "--push-by-digest", description = "With --dry-run: show the commands of a builder that pushes by digest (docker-container driver).")
    boolean dryRunPushByDigest;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BuildRequest request;
        try {
            request = toRequest();
            endpointMap = parseEndpoints(request);

        } catch (InvalidRequestException e) {
            err.println("multiarch: invalid input, nothing was run:");
            e.violations().forEach(v -> err.println("  " + describe(v)));
            return ExitCodes.INVALID_INPUT;
        }
        LocalCommandRunner runner = new LocalCommandRunner();
        DockerCli dockerCli = new DockerCli(docker, Map.of(), runner).withContainerLabels(Orphans.labels());
        // output of builds and tests comes from outside: no control character of it reaches the terminal raw
        OutputListener console = OutputListener.inert((line, error) -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        });
        if (dryRun) {
            if (variants == null) {
                return dryRun(request, "", dockerCli, out);
            }
            for (VariantRequest v : variants) {
                out.println("== variant " + v.name() + " (tags " + String.join(", ", v.request().tags().stream().map(Object::toString).toList())
                        + ")" + (allOrNothing ? ", published only when every variant passed" : ""));
                dryRun(v.request(), v.name(), dockerCli, out);
            }
            return ExitCodes.PUBLISHED;
        }
        AtomicReference<java.util.function.Consumer<String>> current = new AtomicReference<>();
        Thread onExit = new Thread(runner::stopAll, "multiarch-exit"); // a JVM going down otherwise leaves nothing running
        Runtime.getRuntime().addShutdownHook(onExit);
        try (Signals signals = new Signals(signal -> {
            err.println("multiarch: " + signal + ": stopping the builds and tests and removing their containers; nothing "
                    + "will be published (the same signal again stops at once)");
            err.flush();
            java.util.function.Consumer<String> build = current.get();
            if (build != null) {
                build.accept(signal);
            } else {
                runner.stopAll();
            }
        }, () -> {
            runner.stopAll();
            Runtime.getRuntime().halt(ExitCodes.INTERRUPTED_BASE + 9);
        })) {
            return build(request, runner, dockerCli, console, out, err, signals, current);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException e) {
                // the JVM is going down already: the hook runs
            }
        }
    }

    /** A timeline whose origin is the start of this process (the JVM's start is its first phase). */
    static Timeline processTimeline() {
        long now = System.nanoTime();
        long age = processAgeNanos().orElseGet(() -> {
            java.time.Instant started = ProcessHandle.current().info().startInstant().orElse(java.time.Instant.now());
            return Math.max(0, java.time.Duration.between(started, java.time.Instant.now()).toNanos());
        });
        Timeline timeline = new Timeline(now - age);
        timeline.add("jvm start (process start to main)", now - age, Math.min(Main.mainEntered, now));
        return timeline;
    }

    /**
     * How long this process has run, from the kernel's own clock since boot: {@code /proc/uptime} now minus the
     * process's start in {@code /proc/self/stat} (clock ticks, 100 a second), to about 10 ms.
     * {@link ProcessHandle.Info#startInstant()} adds the boot time, which Linux gives in whole seconds: up to a second
     * off. Empty where {@code /proc} does not say.
     */
    static java.util.OptionalLong processAgeNanos() {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[19]); // field 22 of stat; fields[0] is field 3
            double uptime = Double.parseDouble(java.nio.file.Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            long age = (long) (uptime * 1e9) - startTicks * 10_000_000L;
            return age >= 0 ? java.util.OptionalLong.of(age) : java.util.OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** A registry made on another thread: the run starts at once, and the first question waits for it. */
    static Registry deferred(java.util.concurrent.CompletableFuture<Registry> made) {
        return new Registry() {
            @Override
            public java.util.Optional<String> read(String reference) throws IOException, InterruptedException {
                return made.join().read(reference);
            }

            @Override
            public boolean writes() {
                return made.join().writes();
            }

            @Override
            public void write(String reference, String manifest) throws IOException, InterruptedException {
                made.join().write(reference, manifest);
            }
        };
    }

    /** The local machine's registry access: HTTP itself, falling back to imagetools; imagetools alone behind a proxy. */
    static Registry localRegistry(DockerCli dockerCli, OutputListener console) {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.putAll(dockerCli.env());
        ImagetoolsRegistry imagetools = new ImagetoolsRegistry(dockerCli);
        if (HttpRegistry.proxied(env)) {
            return imagetools;
        }
        return new FallbackRegistry(new HttpRegistry(HttpRegistry.dockerConfigDir(env), new LocalCommandRunner()), imagetools, console);
    }

    private int build(BuildRequest request, LocalCommandRunner runner, DockerCli dockerCli, OutputListener console,
                      PrintWriter out, PrintWriter err, Signals signals, AtomicReference<java.util.function.Consumer<String>> current) {
        Timeline timeline = processTimeline();
        timeline.add("arguments, validation, signal handlers", Main.mainEntered, System.nanoTime());
        // containers of dead runs are removed beside the probe and the build: nothing of this run depends on it
        Thread orphans = new Thread(() -> {
            try (Timeline.Phase phase = timeline.start("remove containers of dead runs")) {
                Orphans.remove(dockerCli, console);
            }
        }, "multiarch-orphans");
        orphans.setDaemon(true);
        orphans.start();
        // the registry client is made and connects beside the probe, so that reading the pushed index later finds it ready
        java.util.concurrent.CompletableFuture<Registry> registry = new java.util.concurrent.CompletableFuture<>();
        Thread prepare = new Thread(() -> {
            try (Timeline.Phase phase = timeline.start("registry client: connect")) {
                Registry r = localRegistry(dockerCli, console);
                registry.complete(r);
                r.prepare(request.image().fullName());
            } catch (RuntimeException e) {
                registry.complete(new ImagetoolsRegistry(dockerCli));
            }
        }, "multiarch-registry");
        prepare.setDaemon(true);
        prepare.start();
        localRegistry = registry;
        try {
            return build(request, runner, dockerCli, console, out, err, signals, current, timeline);
        } finally {
            try {
                orphans.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int build(BuildRequest request, LocalCommandRunner runner, DockerCli dockerCli, OutputListener console,
                      PrintWriter out, PrintWriter err, Signals signals, AtomicReference<java.util.function.Consumer<String>> current,
                      Timeline timeline) {
        List<Platform> localPlatforms = request.platforms().stream().filter(p -> !endpointMap.containsKey(p)).toList();
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.putAll(dockerCli.env());
        java.util.Optional<RememberedToolchain> memory = RememberedToolchain.of(docker, env, RememberedToolchain.bootId());
        // a variant matrix publishes through its own gate (all or nothing): it starts on a toolchain probed first
        java.util.Optional<Toolchain> assumed = endpointMap.isEmpty() && variants == null
                ? memory.flatMap(m -> m.recall(localPlatforms)) : java.util.Optional.empty();
        if (assumed.isPresent()) {
            // the builds start on the toolchain as an earlier run probed it; it is probed again beside them, and the
            // publish waits for that probe: it goes on only if the two agree
            java.util.concurrent.CompletableFuture<Toolchain> probed = new java.util.concurrent.CompletableFuture<>();
            Thread probing = new Thread(() -> {
                try (Timeline.Phase phase = timeline.start("toolchain probe (beside the build)")) {
                    probed.complete(ToolchainProbe.probe(dockerCli, localPlatforms, BootNativeMemory.forLocalDaemon(env)));
                } catch (Exception | Error e) {
                    probed.completeExceptionally(e);
                }
            }, "multiarch-probe");
            probing.setDaemon(true);
            probing.start();
            out.println("toolchain (as probed before; probed again beside the build, and nothing is published unless it "
                    + "agrees): " + assumed.get().describe());
            return runOn(assumed.get(), java.util.Optional.of(new Recheck(probed, assumed.get(), localPlatforms, memory)), request,
                    runner, dockerCli, console, out, err, signals, current, timeline);
        }
        Toolchain toolchain;
        try (Timeline.Phase phase = timeline.start("toolchain probe")) {
            toolchain = ToolchainProbe.probe(dockerCli, localPlatforms, BootNativeMemory.forLocalDaemon(env));
        } catch (IOException | InterruptedException e) {
            if (signals.received() != null) {
                err.println("multiarch: " + signals.received() + " while probing the toolchain: nothing was built");
                return Signals.exitCode(signals.received());
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return ExitCodes.FAILED;
            }
            err.println("multiarch: the docker toolchain cannot be used, nothing was built: " + e.getMessage());
            return ExitCodes.TOOLCHAIN;
        }
        memory.ifPresent(m -> m.remember(toolchain, localPlatforms));
        out.println("toolchain: " + toolchain.describe());
        return runOn(toolchain, java.util.Optional.empty(), request, runner, dockerCli, console, out, err, signals, current, timeline);
    }

    /**
     * The probe that runs beside a build started on a remembered toolchain, and its verdict: the same toolchain
     * (publish), another one (stop, run again), or none (stop, the toolchain cannot be used). Decided once.
     */
    private static final class Recheck {
        final java.util.concurrent.CompletableFuture<Toolchain> probed;
        final Toolchain assumed;
        final List<Platform> platforms;
        final java.util.Optional<RememberedToolchain> memory;
        private boolean decided;
        private Toolchain fresh;
        private String failure;

        Recheck(java.util.concurrent.CompletableFuture<Toolchain> probed, Toolchain assumed, List<Platform> platforms,
                java.util.Optional<RememberedToolchain> memory) {
            this.probed = probed;
            this.assumed = assumed;
            this.platforms = platforms;
            this.memory = memory;
        }

        /** Waits for the probe; empty when it agrees, else why not. */
        synchronized java.util.Optional<String> verdict() throws InterruptedException {
            if (!decided) {
                try {
                    fresh = probed.get();
                    memory.ifPresent(m -> m.remember(fresh, platforms));
                } catch (java.util.concurrent.ExecutionException e) {
                    failure = String.valueOf(e.getCause().getMessage());
                    memory.ifPresent(RememberedToolchain::forget);
                }
                decided = true;
            }
            if (failure != null) {
                return java.util.Optional.of("the docker toolchain cannot be used: " + failure);
            }
            return RememberedToolchain.sameFor(assumed, fresh, platforms) ? java.util.Optional.empty()
                    : java.util.Optional.of("the toolchain is not the one this run started with");
        }
    }

    private int runOn(Toolchain toolchain, java.util.Optional<Recheck> recheck, BuildRequest request, LocalCommandRunner runner,
                      DockerCli dockerCli, OutputListener console, PrintWriter out, PrintWriter err, Signals signals,
                      AtomicReference<java.util.function.Consumer<String>> current, Timeline timeline) {
        AgentContext local = new AgentContext("local", dockerCli, new LocalFileAccess(), toolchain, localBinfmtDir(), console,
                deferred(localRegistry), timeline);
        Map<Platform, AgentContext> agents = new java.util.HashMap<>();
        Map<String, AgentContext> byEndpoint = new java.util.HashMap<>();
        for (Map.Entry<Platform, String> e : endpointMap.entrySet()) {
            String endpoint = e.getValue();
            AgentContext remote = byEndpoint.get(endpoint);
            if (remote == null) {
                boolean isHost = endpoint.contains("://");
                DockerCli cli = new DockerCli(docker, Map.of(isHost ? "DOCKER_HOST" : "DOCKER_CONTEXT", endpoint), runner)
                        .withContainerLabels(Orphans.labels());
                try {
                    Toolchain t = ToolchainProbe.probe(cli, endpointMap.entrySet().stream()
                            .filter(x -> x.getValue().equals(endpoint)).map(Map.Entry::getKey).toList());
                    out.println("endpoint " + endpoint + ": " + t.describe());
                    Orphans.remove(cli, console);
                    remote = new AgentContext(endpoint, cli, new LocalFileAccess(), t,
                            isHost ? BinfmtTable.dirForDaemon(endpoint) : "", console, local.registry(), timeline);
                    byEndpoint.put(endpoint, remote);
                } catch (IOException | InterruptedException ex) {
                    if (signals.received() != null) {
                        err.println("multiarch: " + signals.received() + " while probing the toolchain: nothing was built");
                        return Signals.exitCode(signals.received());
                    }
                    if (ex instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        return ExitCodes.FAILED;
                    }
                    err.println("multiarch: the docker endpoint " + endpoint + " for " + e.getKey() + " cannot be used, nothing was built: " + ex.getMessage());
                    return ExitCodes.TOOLCHAIN;
                }
            }
            agents.put(e.getKey(), remote);
        }
        Set<Platform> nativePlatforms = new java.util.HashSet<>();
        for (Platform p : request.platforms()) {
            if (agents.getOrDefault(p, local).toolchain().nativePlatforms().contains(p)) {
                nativePlatforms.add(p);
            }
        }
        if (variants != null) {
            return buildVariants(p -> agents.getOrDefault(p, local), local, console, out, err, signals, current, timeline);
        }
        RunPlan plan = RunPlan.of(request, nativePlatforms, RunPlan.newRunId());
        out.println("run " + plan.runId() + ": " + plan.tasks().size() + " platform(s), "
                + (request.batches() ? "built together per docker endpoint, tests" : "builds and tests") + " at most " + request.concurrency() + " at once");
        MultiArchBuild build = new MultiArchBuild(request, plan, p -> agents.getOrDefault(p, local), local);
        current.set(build::stop);
        if (signals.received() != null) {
            build.stop(signals.received());
        }
        if (recheck.isPresent()) {
            Recheck r = recheck.get();
            build.withPublishGate(r::verdict);
            // a probe that disagrees stops the builds at once, not only the publish
            r.probed.whenComplete((t, e) -> {
                try {
                    r.verdict().ifPresent(why -> build.stop(why));
                    if (t != null && r.verdict().isEmpty()) {
                        out.println("toolchain: " + t.describe());
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        RunResult result;
        try (Timeline.Phase phase = timeline.start("run: builds, tests, publish")) {
            result = build.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("multiarch: interrupted");
            return ExitCodes.FAILED;
        }
        if (recheck.isPresent() && signals.received() == null) {
            java.util.Optional<String> wrong;
            try {
                wrong = recheck.get().verdict();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.FAILED;
            }
            if (wrong.isPresent()) {
                Thread.interrupted();
                if (recheck.get().failure != null) {
                    err.println("multiarch: " + wrong.get() + "; nothing was published");
                    return ExitCodes.TOOLCHAIN;
                }
                Toolchain fresh = recheck.get().fresh;
                out.println("multiarch: " + wrong.get() + " (as probed now: " + fresh.describe() + "); nothing was "
                        + "published; building again on it");
                return runOn(fresh, java.util.Optional.empty(), request, runner, dockerCli, console, out, err, signals, current, timeline);
            }
        }
        Thread.interrupted(); // a stop's interrupt is handled: the reports must still be written
        return finish(out, err, signals, timeline, new ConsoleTable().render(result),
                spans -> new ReportWriter().writeAll(result, reportDir, spans),
                !result.interrupted().isEmpty(), result.published(), result.publish().tagsLeftChanged());
    }

    /** The matrix: each variant a run of its own on the same machines, then the reports of all of them. */
    private int buildVariants(java.util.function.Function<Platform, AgentContext> agents, AgentContext local, OutputListener console,
                              PrintWriter out, PrintWriter err, Signals signals,
                              AtomicReference<java.util.function.Consumer<String>> current, Timeline timeline) {
        MatrixBuild matrix = new MatrixBuild(variants, v -> {
            Set<Platform> nativePlatforms = new java.util.HashSet<>();
            for (Platform p : v.request().platforms()) {
                if (agents.apply(p).toolchain().nativePlatforms().contains(p)) {
                    nativePlatforms.add(p);
                }
            }
            RunPlan plan = RunPlan.of(v.request(), nativePlatforms, RunPlan.newRunId(), v.name());
            out.println("run " + plan.runId() + " (variant " + v.name() + "): " + plan.tasks().size() + " platform(s)");
            return new MultiArchBuild(v.request(), plan, agents, local.withOutput(MultiArchBuild.prefixed(console, v.name())));
        }, local, allOrNothing);
        current.set(matrix::stop);
        if (signals.received() != null) {
            matrix.stop(signals.received());
        }
        MatrixResult result;
        try {
            result = matrix.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("multiarch: interrupted");
            return ExitCodes.FAILED;
        }
        Thread.interrupted(); // a stop's interrupt is handled: the reports must still be written
        return finish(out, err, signals, timeline, new ConsoleTable().render(result),
                spans -> new ReportWriter().writeAll(result, reportDir), // report.json of a matrix: no timeline
                !result.interrupted().isEmpty(), result.published(), result.tagsLeftChanged());
    }

    /** Writes the reports of a run that ended. */
    @FunctionalInterface
    private interface Reports {
        ReportFiles write(List<Timeline.Span> timeline) throws IOException;
    }

    /**
     * The end of a run, one variant's or a matrix's: the console table, the reports, and the exit code (the signal's
     * when a signal interrupted it, else published, tags left changed by a failed publish, or failed).
     */
    private int finish(PrintWriter out, PrintWriter err, Signals signals, Timeline timeline, String table, Reports reports,
                       boolean interrupted, boolean published, boolean tagsLeftChanged) {
        out.println();
        out.print(table);
        try (Timeline.Phase phase = timeline.start("reports")) {
            // report.json holds the timeline up to here: the writing of the reports is printed below only
            ReportFiles written = reports.write(showTimeline ? timeline.spans() : List.of());
            out.println("reports: " + written.json() + ", " + written.html() + ", " + written.junitDir() + "/");
        } catch (IOException e) {
            err.println("multiarch: could not write the reports to " + reportDir + ": " + e.getMessage());
        }
        if (showTimeline) {
            out.println();
            out.print(TimelineTable.render(timeline.spans()));
        }
        out.flush();
        if (interrupted && signals.received() != null) {
            return Signals.exitCode(signals.received());
        }
        if (published) {
            return ExitCodes.PUBLISHED;
        }
        return tagsLeftChanged ? ExitCodes.TAGS_LEFT_CHANGED : ExitCodes.FAILED;
    }

    /** A violation as the user wrote it: the option's name and the value as typed, not the request's field. */
    String describe(Violation v) {
        String field = v.field();
        String base = field.replaceAll("\\[.*", "").replace(" key", "");
        String option = switch (base) {
            case "image" -> "--image";
            case "tags" -> "--tag";
            case "context" -> "CONTEXT";
            case "dockerfile" -> "--file";
            case "target" -> "--target";
            case "buildArgs" -> "--build-arg";
            case "labels" -> "--label";
            case "secrets" -> "--secret";
            case "sizeBudgets" -> "--size-budget";
            case "variants" -> (variantsFile != null ? "--variants " : "--variant ") + field;
            case "variant" -> "--variant";
            case "sbomGenerator" -> "--sbom-generator";
            case "platforms" -> "--platforms";
            case "optionalPlatforms" -> "--optional-platform";
            case "test" -> "--test";
            case "testExec" -> "--test-exec";
            case "platformTimeout" -> "--timeout";
            case "testTimeout" -> "--test-timeout";
            case "emulatedRetries" -> "--retries";
            case "concurrency" -> "--concurrency";
            case "binfmt" -> "--binfmt";
            case "binfmtInstaller" -> "--binfmt-installer";
            case "endpoint" -> "--endpoint";
            default -> field;
        };
        return new Violation(option, v.value(), v.problem()).describe().replaceFirst("^field ", option.startsWith("--") ? "option " : "argument ");
    }

    private int dryRun(BuildRequest request, String variant, DockerCli dockerCli, PrintWriter out) {
        // nothing is run, so nothing is measured: the machine's own platform is expected to be native, 386 and 32-bit
        // ARM (which a kernel may or may not run itself) are shown as emulated; a real run measures each
        Set<Platform> nativePlatforms = Toolchain.nativeCandidates(System.getProperty("os.arch")).stream().limit(1)
                .collect(java.util.stream.Collectors.toSet());
        Toolchain assumed = new Toolchain("?", "?", "?", "default", dryRunPushByDigest ? "docker-container" : "docker",
                System.getProperty("os.arch"), nativePlatforms, true, dryRunPushByDigest);
        AgentContext local = new AgentContext("local", dockerCli, new LocalFileAccess(), assumed, localBinfmtDir(), OutputListener.NONE);
        RunPlan plan = RunPlan.of(request, nativePlatforms, "DRYRUN", variant);
        out.println("dry run: nothing is executed. Builder assumed: driver " + assumed.driver()
                + (dryRunPushByDigest ? " (push by digest)" : " (temporary tags; --push-by-digest shows the other form)")
                + "; native or emulated as expected here (a real run measures it)");
        for (PlatformTask task : plan.tasks()) {
            out.println("[" + task.platform() + "] " + (task.required() ? "required" : "optional") + ", "
                    + (task.nativePlatform() ? "native" : "emulated (binfmt " + request.binfmtMode().name().toLowerCase() + ")"));
        }
        out.println(request.batches() && plan.tasks().size() > 1
                ? "one buildx build for all the platforms (--no-batch: one per platform), then each platform's test:"
                : "one buildx build per platform, each followed by its test:");
        for (Command c : new MultiArchBuild(request, plan, p -> local, local).plannedCommands("<tmp>/metadata.json")) {
            out.println("  " + c.display());
        }
        List<Command> publish = new Publisher(dockerCli, request, OutputListener.NONE).plannedCommands(
                plan.tasks().stream().map(t -> "sha256:<" + t.platform().slug() + ">").toList());
        out.println("[publish] only when every required platform passed (a batch's own index published as it is when it "
                + "lists exactly the platforms that passed, else composed with --dry-run first; every tag recorded, then "
                + "moved and read back; the CLI moves and reads tags over the registry's HTTP API where "
                + "it can, which is what these commands do):");
        publish.forEach(c -> out.println("  " + c.display()));
        out.flush();
        return ExitCodes.PUBLISHED;
    }

    /** The kernel's binfmt_misc table is readable only when the docker daemon runs on this machine. */
    static String localBinfmtDir() {
        return BinfmtTable.dirForDaemon(System.getenv("DOCKER_HOST"));
    }

    private Map<Platform, String> endpointMap = Map.of();
    private java.util.concurrent.CompletableFuture<Registry> localRegistry;

    private static final java.util.regex.Pattern CONTEXT_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");
    private static final java.util.regex.Pattern DOCKER_HOST = java.util.regex.Pattern.compile("(unix|tcp|ssh)://[^\\s\\x00-\\x1f]{1,1000}");

    /** {@code --endpoint P=VALUE}: P one of the requested platforms, VALUE a DOCKER_HOST URL or a context name. */
    Map<Platform, String> parseEndpoints(BuildRequest request) {
        List<Violation> violations = new ArrayList<>();
        Map<Platform, String> map = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : KeyValues.parse("endpoint", endpoints, violations).entrySet()) {
            Platform p;
            try {
                p = Platform.parse(e.getKey());
            } catch (IllegalArgumentException ex) {
                violations.add(new Violation("endpoint", e.getKey() + "=" + e.getValue(), ex.getMessage()));
                continue;
            }
            if (!request.platforms().contains(p)) {
                violations.add(new Violation("endpoint", e.getKey() + "=" + e.getValue(), p + " is not one of the platforms " + request.platforms()));
            } else if (map.containsKey(p)) {
                violations.add(new Violation("endpoint", e.getKey() + "=" + e.getValue(), p + " has an endpoint already"));
            } else if (!DOCKER_HOST.matcher(e.getValue()).matches() && !CONTEXT_NAME.matcher(e.getValue()).matches()) {
                violations.add(new Violation("endpoint", e.getKey() + "=" + e.getValue(),
                        "expected a DOCKER_HOST value (unix://, tcp://, ssh://) or a docker context name"));
            } else {
                map.put(p, e.getValue());
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return map;
    }

    /** The variants of a matrix build, once validated; null without variants. */
    private List<VariantRequest> variants;

    /** The options as the user gave them, through the engine's one way in; the file of {@code --variants} read here. */
    BuildRequest toRequest() {
        RawBuildInput in = new RawBuildInput()
                .image(image)
                .context(context)
                .dockerfile(dockerfile)
                .target(target)
                .platforms(platforms)
                .optionalPlatforms(optionalPlatforms)
                .failFast(failFast)
                .platformTimeout(String.valueOf(timeoutMinutes), ChronoUnit.MINUTES)
                .testTimeout(String.valueOf(testTimeoutSeconds), ChronoUnit.SECONDS)
                .emulatedRetries(retries)
                .provenance(provenance)
                .sbom(sbom)
                .sbomGenerator(sbomGenerator)
                .registryCache(!noRegistryCache)
                .batch(!noBatch)
                .binfmtMode(binfmt)
                .binfmtInstaller(binfmtInstaller)
                .secrets(secrets)
                .sizeBudgets(sizeBudgets)
                .sizeBudgetWarnOnly(sizeBudgetWarn)
                .buildArgs(buildArgs)
                .labels(labels)
                .testShell(test)
                .testExecJson(testExec);
        if (!tags.isEmpty()) {
            in.tags(tags);
        }
        if (concurrency != null) {
            in.concurrency(concurrency);
        }
        List<Violation> violations = new ArrayList<>();
        if (variantsFile != null) {
            in.variants(VariantsFile.read(variantsFile, violations));
        }
        variantOptions.forEach(in::variant);
        ValidatedInput valid = null;
        try {
            valid = in.validate();
        } catch (InvalidRequestException e) {
            violations.addAll(e.violations());
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        variants = valid.matrix() ? valid.variants() : null;
        return valid.request();
    }
}
