package io.multiarch.cli;

import io.multiarch.docker.DockerCli;
import io.multiarch.platform.Platform;
import io.multiarch.process.LocalCommandRunner;
import io.multiarch.process.OutputListener;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.ExecutionOptions;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.RawBuildInput;
import io.multiarch.request.ValidatedInput;
import io.multiarch.request.VariantRequest;
import io.multiarch.request.Violation;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Timeout of each platform's build: 90s, 45m, 2h, or a bare "
            + "number of minutes (default: ${DEFAULT-VALUE}).", defaultValue = "60")
    String timeout;

    @Option(names = "--test-timeout", paramLabel = "DURATION", description = "Timeout of each platform's test: 90s, 10m, 1h, or a "
            + "bare number of seconds (default: ${DEFAULT-VALUE}).", defaultValue = "600")
    String testTimeout;

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

    /** How the run was started; null: by this JVM's main. */
    private final Launch launch;

    BuildCommand(Launch launch) {
        this.launch = launch;
    }

    /** The variants of a matrix build, once validated; empty without variants. */
    private List<VariantRequest> variants = List.of();

    /** How the validated request is executed, once validated. */
    private ExecutionOptions execution;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BuildRequest request;
        Map<Platform, String> endpointMap;
        try {
            request = toRequest();
            endpointMap = Endpoints.parse(endpoints, request);
        } catch (InvalidRequestException e) {
            err.println("multiarch: invalid input, nothing was run:");
            e.violations().forEach(v -> err.println("  " + OptionNames.describe(v, variantsFile != null)));
            return ExitCodes.INVALID_INPUT;
        }
        LocalCommandRunner runner = new LocalCommandRunner();
        // the user's BUILDX_GIT_* settings, where set, keep buildx's git look-up on in builds without provenance
        DockerCli dockerCli = new DockerCli(docker, DockerCli.buildxGitSettings(System.getenv()), runner)
                .withContainerLabels(Orphans.labels());
        if (dryRun) {
            return DryRun.print(request, execution, variants, allOrNothing, dockerCli, dryRunPushByDigest, out);
        }
        // output of builds and tests comes from outside: no control character of it reaches the terminal raw
        OutputListener console = OutputListener.inert((line, error) -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        });
        RunSettings settings = new RunSettings(execution, endpointMap, variants, allOrNothing, reportDir, showTimeline);
        Launch started = launch != null ? launch : Launch.thisProcess();
        AtomicReference<Consumer<String>> current = new AtomicReference<>();
        Thread onExit = new Thread(runner::stopAll, "multiarch-exit"); // a JVM going down otherwise leaves nothing running
        Runtime.getRuntime().addShutdownHook(onExit);
        try (Signals signals = new Signals(signal -> {
            err.println("multiarch: " + signal + ": stopping the builds and tests and removing their containers; nothing "
                    + "will be published (the same signal again stops at once)");
            err.flush();
            Consumer<String> build = current.get();
            if (build != null) {
                build.accept(signal);
            } else {
                runner.stopAll();
            }
        }, () -> {
            runner.stopAll();
            if (!started.served()) { // a served run's client ends at once by itself; the server serves others
                Runtime.getRuntime().halt(ExitCodes.INTERRUPTED_BASE + 9);
            }
        }, started.relay())) {
            Session session = new Session(out, err, console, runner, docker, dockerCli, signals, current,
                    ProcessClock.timeline(started), started);
            return new LocalRun(request, settings, session).run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException e) {
                // the JVM is going down already: the hook runs
            }
        }
    }

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
                .platformTimeout(timeout, ChronoUnit.MINUTES)
                .testTimeout(testTimeout, ChronoUnit.SECONDS)
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
        variants = valid.variants();
        execution = valid.execution();
        return valid.request();
    }
}
